import AnyunCrypto
import Foundation
import XCTest

final class SM4GCMTests: XCTestCase {
    // RFC 8998 appendix A.1 (SM4-GCM).
    private let key = hex("0123456789ABCDEFFEDCBA9876543210")
    private let nonce = hex("00001234567800000000ABCD")
    private let aad = hex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    private let plaintext = hex("""
        AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD
        EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA
        """)
    private let ciphertext = hex("""
        17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735
        D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D
        """)
    private let tag = hex("83DE3541E4C2B58177E065A9BF7B62EC")

    func testRFC8998Vector() throws {
        let box = try SM4.GCM.seal(plaintext, using: SM4Key(bytes: key), nonce: SM4GCMNonce(bytes: nonce),
                                   authenticating: aad)
        XCTAssertEqual(box.ciphertext, ciphertext)
        XCTAssertEqual(box.tag, tag)
        XCTAssertEqual(box.combined, nonce + ciphertext + tag)
        XCTAssertEqual(try SM4.GCM.open(SM4GCMSealedBox(combined: nonce + ciphertext + tag),
                                        using: SM4Key(bytes: key), authenticating: aad), plaintext)
    }

    func testRoundTripWithRandomNonceAndOddLengths() throws {
        let key = SM4Key.random()
        for length in [0, 1, 15, 16, 17, 100_000] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 17) }
            let box = try SM4.GCM.seal(message, using: key)
            XCTAssertEqual(box.combined.count, 12 + length + 16)
            let reopened = try SM4GCMSealedBox(combined: box.combined)
            XCTAssertEqual(try SM4.GCM.open(reopened, using: key), message)
        }
        XCTAssertNotEqual(try SM4.GCM.seal([1], using: key).nonce, try SM4.GCM.seal([1], using: key).nonce)
    }

    func testAnyFlippedBitIsDetected() throws {
        let key = try SM4Key(bytes: self.key)
        let combined = nonce + ciphertext + tag
        for index in [0, 11, 12, 40, 75, combined.count - 1] {
            var damaged = combined
            damaged[index] ^= 0x01
            XCTAssertThrowsError(try SM4.GCM.open(SM4GCMSealedBox(combined: damaged), using: key, authenticating: aad)) {
                XCTAssertEqual(($0 as? AnyunCryptoError)?.kind, .authenticationFailure, "byte \(index)")
            }
        }
        let box = try SM4GCMSealedBox(combined: combined)
        XCTAssertThrowsError(try SM4.GCM.open(box, using: key, authenticating: aad + [0]))
        XCTAssertThrowsError(try SM4.GCM.open(box, using: key))
        XCTAssertThrowsError(try SM4.GCM.open(box, using: SM4Key.random(), authenticating: aad))
    }
}
