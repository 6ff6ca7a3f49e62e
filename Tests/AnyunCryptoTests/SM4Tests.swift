import AnyunCrypto
import Foundation
import XCTest

final class SM4Tests: XCTestCase {
    private let standardKey = hex("0123456789abcdeffedcba9876543210")

    // GB/T 32907-2016 appendix A, example 1: key = plaintext, one block.
    // CBC with a zero IV encrypts the first block exactly like the raw cipher.
    func testStandardVectorOneBlock() throws {
        let key = try SM4Key(bytes: standardKey)
        let out = try SM4.CBC.encrypt(standardKey, using: key, iv: [UInt8](repeating: 0, count: 16))
        XCTAssertEqual(out.prefix(16).hexString, "681edf34d206965e86b3e94f536e4246")
    }

    // GB/T 32907-2016 appendix A, example 2: encrypt the block 1,000,000 times.
    // CBC with a zero IV over [P, 0, 0, ...] computes C_i = E(C_{i-1}), so block i of the
    // ciphertext is P encrypted i+1 times — one library call instead of a million.
    func testStandardVectorMillionIterations() throws {
        let key = try SM4Key(bytes: standardKey)
        var input = standardKey
        input += [UInt8](repeating: 0, count: 16 * 999_999)
        let out = try SM4.CBC.encrypt(input, using: key, iv: [UInt8](repeating: 0, count: 16))
        let block = out[(16 * 999_999)..<(16 * 1_000_000)]
        XCTAssertEqual(block.hexString, "595298c7c6fd271f0402f804c33d3f66")
    }

    func testCBCRoundTripsAtEveryPaddingLength() throws {
        let key = SM4Key.random()
        let iv = (0..<16).map { UInt8($0) }
        for length in 0...48 {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 11) }
            let ciphertext = try SM4.CBC.encrypt(plaintext, using: key, iv: iv)
            XCTAssertEqual(ciphertext.count, (length / 16 + 1) * 16)
            XCTAssertEqual(try SM4.CBC.decrypt(ciphertext, using: key, iv: iv), plaintext)
        }
    }

    func testCTRRoundTripsAndIsAStreamCipher() throws {
        let key = SM4Key.random()
        let counter = [UInt8](repeating: 0xFF, count: 16)  // wraps: exercises the 128-bit increment
        for length in [0, 1, 15, 16, 17, 1000] {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
            let ciphertext = try SM4.CTR.encrypt(plaintext, using: key, counter: counter)
            XCTAssertEqual(ciphertext.count, length)
            XCTAssertEqual(try SM4.CTR.decrypt(ciphertext, using: key, counter: counter), plaintext)
        }
    }

    func testCBCAgreesWithOpenSSLBothWays() throws {
        let key = SM4Key.random()
        let iv = (0..<16).map { UInt8(0xA0 + $0) }
        let plaintext = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 5) }
        let keyHex = key.rawRepresentation.hexString, ivHex = iv.hexString

        let ours = try SM4.CBC.encrypt(plaintext, using: key, iv: iv)
        let theirs = try ExternalTools.openssl(["enc", "-sm4-cbc", "-K", keyHex, "-iv", ivHex], stdin: Data(plaintext))
        XCTAssertEqual(Array(theirs.stdout), ours)

        let decrypted = try ExternalTools.openssl(["enc", "-d", "-sm4-cbc", "-K", keyHex, "-iv", ivHex], stdin: Data(ours))
        XCTAssertEqual(Array(decrypted.stdout), plaintext)
        XCTAssertEqual(try SM4.CBC.decrypt(theirs.stdout, using: key, iv: iv), plaintext)
    }

    func testCTRAgreesWithOpenSSLBothWays() throws {
        let key = SM4Key.random()
        // A counter near a 64-bit boundary: OpenSSL carries into the upper half, so must we.
        let counter = hex("0011223344556677fffffffffffffffe")
        let plaintext = (0..<1001).map { UInt8(truncatingIfNeeded: $0 &* 3) }
        let keyHex = key.rawRepresentation.hexString, ctrHex = counter.hexString

        let ours = try SM4.CTR.encrypt(plaintext, using: key, counter: counter)
        let theirs = try ExternalTools.openssl(["enc", "-sm4-ctr", "-K", keyHex, "-iv", ctrHex], stdin: Data(plaintext))
        XCTAssertEqual(Array(theirs.stdout), ours)
        XCTAssertEqual(try SM4.CTR.decrypt(theirs.stdout, using: key, counter: counter), plaintext)
    }
}
