import AnyunCrypto
import Foundation
import XCTest

final class HMACSM3Tests: XCTestCase {
    // Known answers produced with OpenSSL 3.0.19:
    //   openssl mac -digest SM3 -macopt hexkey:<key> -in <message file> HMAC
    // (for the text key: -macopt key:key; for the empty key: -macopt key:)
    func testKnownAnswersFromOpenSSL() {
        let cases: [(key: [UInt8], message: [UInt8], mac: String)] = [
            (hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), Array("abc".utf8),
             "a8f95cf26f204957e7ca73c9602a25dda35f168b28103b51dfc968c810416b63"),
            (Array("key".utf8), Array("The quick brown fox jumps over the lazy dog".utf8),
             "bd4a34077888162b210645b8ebf74b9af357303789357a27c7fc457244ebd398"),
            // A 100-byte key is longer than SM3's 64-byte block, so it is hashed first.
            ([UInt8](repeating: 0xAA, count: 100), [UInt8](repeating: 0xCD, count: 50),
             "066268718ed3e12d4319997c8cfbe05c38c02c8fd5867fd92292b262eab14878"),
            ([0x00], [],
             "0d23f72ba15e9c189a879aefc70996b06091de6e64d31b7a84004356dd915261"),
            ([], Array("abc".utf8),
             "36525058ca466791502435c910517f1a7e86613d5f35ac1f18a94def0eaac81f"),
        ]
        for (key, message, mac) in cases {
            XCTAssertEqual(HMACSM3.authenticate(message, key: key).hexString, mac, "key \(key.hexString)")
        }
    }

    func testIncrementalAndValidation() {
        let key = Array("secret".utf8)
        let message = [UInt8](repeating: 7, count: 1000)
        var mac = HMACSM3(key: key)
        mac.update(data: message[..<333])
        mac.update(data: message[333...])
        let tag = mac.finalize()
        XCTAssertEqual(tag, HMACSM3.authenticate(message, key: key))
        XCTAssertTrue(HMACSM3.isValidAuthenticationCode(tag, authenticating: message, key: key))
        var wrong = tag
        wrong[31] ^= 1
        XCTAssertFalse(HMACSM3.isValidAuthenticationCode(wrong, authenticating: message, key: key))
        XCTAssertFalse(HMACSM3.isValidAuthenticationCode(tag.prefix(16), authenticating: message, key: key))
    }

    func testAgreesWithOpenSSLMac() throws {
        let key = (0..<20).map { UInt8($0 * 13) }
        let message = (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
        let run = try ExternalTools.openssl(
            ["mac", "-digest", "SM3", "-macopt", "hexkey:\(key.hexString)", "HMAC"], stdin: Data(message))
        XCTAssertEqual(run.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(),
                       HMACSM3.authenticate(message, key: key).hexString)
    }
}
