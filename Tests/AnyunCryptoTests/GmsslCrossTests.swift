import AnyunCrypto
import Foundation
import XCTest

/// Cross-checks with the pure-Python `gmssl` package (pip install gmssl), an independent
/// implementation: SM3, SM4, and SM2 in both directions.
final class GmsslCrossTests: XCTestCase {
    /// Builds a gmssl `CryptSM2` for `publicKey` (X||Y hex) and private scalar hex.
    ///
    /// The key is assigned after construction because gmssl's constructor strips a
    /// leading "04" with `lstrip`, which also eats X's own leading '0'/'4' digits.
    private func sm2Prelude(publicKey: SM2PublicKey, privateHex: String = "", mode: Int = 1) -> String {
        let xy = publicKey.rawRepresentation.dropFirst().hexString
        return """
            from gmssl import sm2
            c = sm2.CryptSM2(private_key='\(privateHex)', public_key='00', mode=\(mode))
            c.public_key = '\(xy)'
            """
    }

    func testSM3Agrees() throws {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let theirs = try ExternalTools.gmssl("""
            from gmssl import sm3
            print(sm3.sm3_hash(list(bytes.fromhex('\(message.hexString)'))))
            """)
        XCTAssertEqual(theirs, SM3.hash(message).hexString)
    }

    func testSM4CBCAgreesBothWays() throws {
        let key = SM4Key.random()
        let iv = (0..<16).map { UInt8($0 * 3) }
        let plaintext = (0..<77).map { UInt8(truncatingIfNeeded: $0 &* 9) }
        let ours = try SM4.CBC.encrypt(plaintext, using: key, iv: iv)
        // gmssl's CBC pads with PKCS#7 by default, like us.
        let output = try ExternalTools.gmssl("""
            from gmssl.sm4 import CryptSM4, SM4_ENCRYPT, SM4_DECRYPT
            c = CryptSM4()
            c.set_key(bytes.fromhex('\(key.rawRepresentation.hexString)'), SM4_ENCRYPT)
            print(c.crypt_cbc(bytes.fromhex('\(iv.hexString)'), bytes.fromhex('\(plaintext.hexString)')).hex())
            d = CryptSM4()
            d.set_key(bytes.fromhex('\(key.rawRepresentation.hexString)'), SM4_DECRYPT)
            print(d.crypt_cbc(bytes.fromhex('\(iv.hexString)'), bytes.fromhex('\(ours.hexString)')).hex())
            """)
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, output)
        XCTAssertEqual(lines.first, ours.hexString)
        XCTAssertEqual(lines.last, plaintext.hexString)
    }

    func testWeSignGmsslVerifies() throws {
        let key = try SM2PrivateKey.generate()
        let message = Data("signed by AnyunCrypto, checked by gmssl".utf8)
        let raw = try SM2Signature(derRepresentation: key.sign(message)).rawRepresentation
        let verdict = try ExternalTools.gmssl(sm2Prelude(publicKey: key.publicKey) + """

            print(c.verify_with_sm3('\(raw.hexString)', bytes.fromhex('\(message.hexString)')))
            print(c.verify_with_sm3('\(raw.hexString)', b'another message'))
            """)
        XCTAssertEqual(verdict, "True\nFalse")
    }

    func testGmsslSignsWeVerify() throws {
        let key = try SM2PrivateKey.generate()
        let message = Data("signed by gmssl".utf8)
        let rawHex = try ExternalTools.gmssl(
            sm2Prelude(publicKey: key.publicKey, privateHex: key.rawRepresentation.hexString) + """

            print(c.sign_with_sm3(bytes.fromhex('\(message.hexString)')))
            """)
        let der = try SM2Signature(rawRepresentation: hex(rawHex)).derRepresentation
        XCTAssertTrue(key.publicKey.isValidSignature(der, for: message))
    }

    func testGmsslEncryptsWeDecrypt() throws {
        let key = try SM2PrivateKey.generate()
        let plaintext = Data("encrypted by gmssl, C1C3C2 without the 04 prefix".utf8)
        for (mode, layout) in [(1, SM2Ciphertext.Layout.c1c3c2), (0, .c1c2c3)] {
            let rawHex = try ExternalTools.gmssl(sm2Prelude(publicKey: key.publicKey, mode: mode) + """

                print(c.encrypt(bytes.fromhex('\(plaintext.hexString)')).hex())
                """)
            let ciphertext = try SM2Ciphertext(raw: hex(rawHex), layout: layout)
            XCTAssertEqual(try key.decrypt(ciphertext.derRepresentation), plaintext, "gmssl mode \(mode)")
        }
    }

    func testWeEncryptGmsslDecrypts() throws {
        let key = try SM2PrivateKey.generate()
        let plaintext = Data("encrypted by AnyunCrypto".utf8)
        let raw = try SM2Ciphertext(derRepresentation: key.publicKey.encrypt(plaintext))
            .raw(layout: .c1c3c2, includingPointPrefix: false)
        let decrypted = try ExternalTools.gmssl(
            sm2Prelude(publicKey: key.publicKey, privateHex: key.rawRepresentation.hexString) + """

            print(c.decrypt(bytes.fromhex('\(raw.hexString)')).hex())
            """)
        XCTAssertEqual(decrypted, plaintext.hexString)
    }
}
