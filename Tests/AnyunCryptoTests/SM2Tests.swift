import AnyunCrypto
import Foundation
import XCTest

final class SM2Tests: XCTestCase {
    // GB/T 32918 (GM/T 0003) example on the recommended curve, as published in
    // GB/T 32918.5-2017 appendix A: ID "1234567812345678", k = 59276E27...BC21.
    static let standardPrivateKey = hex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
    static let standardPublicKey = hex("""
        04 09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020
           CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13
        """)
    static let standardSignature = hex("""
        F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
        B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
        """)
    // Encryption of "encryption standard" with the same key and k, as C1 || C3 || C2.
    // C1's X starts with 0x04, which makes it a good test of point-prefix detection.
    static let standardCiphertextC1C3C2 = hex("""
        04 04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73
           E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0
        59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766
        21886CA989CA9C7D58087307CA93092D651EFA
        """)

    func testStandardKeyDerivesStandardPublicKey() throws {
        let key = try SM2PrivateKey(rawRepresentation: Self.standardPrivateKey)
        XCTAssertEqual(Array(key.publicKey.rawRepresentation), Self.standardPublicKey)
        XCTAssertEqual(Array(key.rawRepresentation), Self.standardPrivateKey)
    }

    func testVerifiesTheStandardSignature() throws {
        let publicKey = try SM2PublicKey(rawRepresentation: Self.standardPublicKey)
        let der = try SM2Signature(rawRepresentation: Self.standardSignature).derRepresentation
        let message = Data("message digest".utf8)
        XCTAssertTrue(publicKey.isValidSignature(der, for: message))
        XCTAssertFalse(publicKey.isValidSignature(der, for: Data("message digesT".utf8)))
        XCTAssertFalse(publicKey.isValidSignature(der, for: message, userID: Array("ALICE123@YAHOO.COM".utf8)))
    }

    func testDecryptsTheStandardCiphertext() throws {
        let key = try SM2PrivateKey(rawRepresentation: Self.standardPrivateKey)
        let parsed = try SM2Ciphertext(raw: Self.standardCiphertextC1C3C2)
        XCTAssertEqual(parsed.x.hexString, "04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73")
        XCTAssertEqual(String(decoding: try key.decrypt(parsed.derRepresentation), as: UTF8.self), "encryption standard")
        // The same bytes without the 0x04 prefix (gmssl's form) are recognised too.
        let bare = try SM2Ciphertext(raw: Self.standardCiphertextC1C3C2.dropFirst())
        XCTAssertEqual(bare, parsed)
        XCTAssertEqual(Array(parsed.raw(includingPointPrefix: false)), Array(Self.standardCiphertextC1C3C2.dropFirst()))
    }

    func testSignVerifyRoundTripWithDefaultAndCustomID() throws {
        let key = try SM2PrivateKey.generate()
        let message = Data("anyun audit record".utf8)
        let signature = try key.sign(message)
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message))
        XCTAssertFalse(key.publicKey.isValidSignature(signature, for: message + [0]))
        XCTAssertFalse(try SM2PrivateKey.generate().publicKey.isValidSignature(signature, for: message))

        let id = Array("alice@example.gov.cn".utf8)
        let custom = try key.sign(message, userID: id)
        XCTAssertTrue(key.publicKey.isValidSignature(custom, for: message, userID: id))
        XCTAssertFalse(key.publicKey.isValidSignature(custom, for: message))

        let raw = try SM2Signature(derRepresentation: signature).rawRepresentation
        XCTAssertEqual(raw.count, 64)
        XCTAssertEqual(try SM2Signature(rawRepresentation: raw).derRepresentation, signature)
    }

    func testEncryptDecryptRoundTripAndTamper() throws {
        let key = try SM2PrivateKey.generate()
        for length in [1, 31, 32, 33, 1000] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 29) }
            let ciphertext = try key.publicKey.encrypt(message)
            XCTAssertEqual(Array(try key.decrypt(ciphertext)), message)
            let parsed = try SM2Ciphertext(derRepresentation: ciphertext)
            XCTAssertEqual(parsed.ciphertext.count, length)
            for layout in [SM2Ciphertext.Layout.c1c3c2, .c1c2c3] {
                for prefix in [true, false] {
                    let raw = parsed.raw(layout: layout, includingPointPrefix: prefix)
                    XCTAssertEqual(try SM2Ciphertext(raw: raw, layout: layout), parsed)
                }
            }
        }
        let ciphertext = try SM2Ciphertext(derRepresentation: key.publicKey.encrypt(Data("secret".utf8)))
        var raw = Array(ciphertext.raw())
        raw[raw.count - 1] ^= 1
        XCTAssertThrowsError(try key.decrypt(SM2Ciphertext(raw: raw).derRepresentation)) {
            XCTAssertEqual(($0 as? AnyunCryptoError)?.kind, .authenticationFailure)
        }
        XCTAssertThrowsError(try SM2PrivateKey.generate().decrypt(ciphertext.derRepresentation))
    }

    func testPEMAndRawKeyRoundTrips() throws {
        let key = try SM2PrivateKey.generate()
        XCTAssertTrue(key.pemRepresentation.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        XCTAssertTrue(key.publicKey.pemRepresentation.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let reloaded = try SM2PrivateKey(pemRepresentation: key.pemRepresentation)
        XCTAssertEqual(reloaded.rawRepresentation, key.rawRepresentation)
        XCTAssertEqual(reloaded.publicKey, key.publicKey)
        XCTAssertEqual(try SM2PublicKey(pemRepresentation: key.publicKey.pemRepresentation), key.publicKey)
        XCTAssertEqual(try SM2PublicKey(rawRepresentation: key.publicKey.rawRepresentation), key.publicKey)
        XCTAssertEqual(try SM2PublicKey(rawRepresentation: key.publicKey.rawRepresentation.dropFirst()), key.publicKey)
        XCTAssertEqual(try SM2PrivateKey(rawRepresentation: key.rawRepresentation).publicKey, key.publicKey)
        // A reloaded key signs exactly like the original.
        let signature = try reloaded.sign(Data("x".utf8))
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: Data("x".utf8)))
    }

    func testConcurrentSigningWithOneKey() async throws {
        let key = try SM2PrivateKey.generate()
        let message = Data("concurrent".utf8)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask { key.publicKey.isValidSignature(try key.sign(message), for: message) }
            }
            for try await valid in group { XCTAssertTrue(valid) }
        }
    }
}
