import AnyunCrypto
import Foundation
import XCTest

final class BadInputTests: XCTestCase {
    private func assertError(
        _ kind: AnyunCryptoError.Kind, mentioning words: [String] = [],
        _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? AnyunCryptoError else {
                return XCTFail("expected AnyunCryptoError, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
            for word in words {
                XCTAssertTrue(error.description.contains(word), "\"\(error)\" should mention \(word)", file: file, line: line)
            }
        }
    }

    func testWrongSM4KeyLength() {
        assertError(.invalidLength, mentioning: ["16 bytes", "got 15"]) { _ = try SM4Key(bytes: [UInt8](repeating: 1, count: 15)) }
        assertError(.invalidLength, mentioning: ["got 32"]) { _ = try SM4Key(bytes: [UInt8](repeating: 1, count: 32)) }
    }

    func testWrongIVNonceAndCounterLengths() {
        let key = SM4Key.random()
        assertError(.invalidLength, mentioning: ["IV"]) { _ = try SM4.CBC.encrypt([1], using: key, iv: [UInt8](repeating: 0, count: 12)) }
        assertError(.invalidLength, mentioning: ["counter"]) { _ = try SM4.CTR.encrypt([1], using: key, counter: [0]) }
        assertError(.invalidLength, mentioning: ["nonce"]) { _ = try SM4GCMNonce(bytes: [UInt8](repeating: 0, count: 16)) }
    }

    func testTruncatedGCMBox() {
        assertError(.invalidLength, mentioning: ["at least 28", "got 27"]) {
            _ = try SM4GCMSealedBox(combined: [UInt8](repeating: 0, count: 27))
        }
        // Long enough to parse, but a truncated box no longer authenticates.
        let key = SM4Key.random()
        assertError(.authenticationFailure) {
            let combined = try SM4.GCM.seal([UInt8](repeating: 3, count: 40), using: key).combined
            _ = try SM4.GCM.open(SM4GCMSealedBox(combined: combined.dropLast(1)), using: key)
        }
    }

    func testBadCBCCiphertext() {
        let key = SM4Key.random(), iv = [UInt8](repeating: 0, count: 16)
        assertError(.invalidLength, mentioning: ["multiple of 16"]) { _ = try SM4.CBC.decrypt([UInt8](repeating: 0, count: 17), using: key, iv: iv) }
        assertError(.invalidLength) { _ = try SM4.CBC.decrypt([UInt8](), using: key, iv: iv) }
        assertError(.invalidPadding, mentioning: ["PKCS#7"]) {
            let ciphertext = try SM4.CBC.encrypt([UInt8](repeating: 9, count: 20), using: key, iv: iv)
            _ = try SM4.CBC.decrypt(ciphertext, using: SM4Key.random(), iv: iv)
        }
    }

    func testGarbagePEM() {
        assertError(.invalidEncoding, mentioning: ["PEM", "OpenSSL"]) { _ = try SM2PrivateKey(pemRepresentation: "not a pem") }
        assertError(.invalidEncoding, mentioning: ["PEM"]) {
            _ = try SM2PublicKey(pemRepresentation: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
        }
        // A public key where a private key is expected.
        assertError(.invalidEncoding) {
            _ = try SM2PrivateKey(pemRepresentation: SM2PrivateKey.generate().publicKey.pemRepresentation)
        }
    }

    func testBadSM2KeysAndBlobs() throws {
        assertError(.invalidLength, mentioning: ["32 bytes"]) { _ = try SM2PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        assertError(.invalidKey, mentioning: ["[1, n-2]"]) { _ = try SM2PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 32)) }
        assertError(.invalidKey, mentioning: ["n-2"]) { _ = try SM2PrivateKey(rawRepresentation: [UInt8](repeating: 0xFF, count: 32)) }
        assertError(.invalidKey, mentioning: ["not a point"]) {
            _ = try SM2PublicKey(rawRepresentation: [0x04] + [UInt8](repeating: 1, count: 64))
        }
        assertError(.invalidLength) { _ = try SM2PublicKey(rawRepresentation: [UInt8](repeating: 4, count: 10)) }
        assertError(.invalidEncoding, mentioning: ["DER"]) { _ = try SM2Signature(derRepresentation: [0x30, 0x05, 0x02, 0x01]) }
        assertError(.invalidLength) { _ = try SM2Signature(rawRepresentation: [UInt8](repeating: 1, count: 63)) }

        let key = try SM2PrivateKey.generate()
        XCTAssertFalse(key.publicKey.isValidSignature([0x30, 0x00], for: [1]))
        XCTAssertFalse(key.publicKey.isValidSignature([UInt8](), for: [1]))
        assertError(.invalidEncoding, mentioning: ["SM2 ciphertext"]) { _ = try key.decrypt([0x30, 0x03, 0x02, 0x01, 0x01]) }
        assertError(.invalidLength) { _ = try key.publicKey.encrypt([UInt8]()) }
        assertError(.invalidLength, mentioning: ["C3"]) { _ = try SM2Ciphertext(raw: [UInt8](repeating: 4, count: 96)) }
        assertError(.invalidEncoding, mentioning: ["curve"]) { _ = try SM2Ciphertext(raw: [UInt8](repeating: 7, count: 120)) }
    }
}
