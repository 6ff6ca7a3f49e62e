import AnyunCrypto
import Foundation
import XCTest

final class SM3Tests: XCTestCase {
    // GB/T 32905-2016 appendix A, example 1.
    func testStandardVectorABC() {
        XCTAssertEqual(SM3.hash(Array("abc".utf8)).hexString,
                       "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }

    // GB/T 32905-2016 appendix A, example 2: "abcd" repeated 16 times (64 bytes).
    func testStandardVector64Bytes() {
        let message = Data(String(repeating: "abcd", count: 16).utf8)
        XCTAssertEqual(SM3.hash(message).hexString,
                       "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    }

    func testEmptyInput() {
        XCTAssertEqual(SM3.hash([UInt8]()).hexString,
                       "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")
    }

    func testIncrementalMatchesOneShotAndForksOnCopy() {
        let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SM3Hasher()
        for chunk in stride(from: 0, to: message.count, by: 997) {
            hasher.update(data: message[chunk..<min(chunk + 997, message.count)])
        }
        XCTAssertEqual(hasher.finalize(), SM3.hash(message))
        // finalize() leaves the hasher usable, and a copy is an independent fork.
        var fork = hasher
        fork.update(data: [1, 2, 3])
        hasher.update(data: [9])
        XCTAssertEqual(fork.finalize(), SM3.hash(message + [1, 2, 3]))
        XCTAssertEqual(hasher.finalize(), SM3.hash(message + [9]))
    }

    func testNonContiguousInput() {
        let first = Data("ab".utf8), second = Data("c".utf8)
        let joined = first.withUnsafeBytes { a in second.withUnsafeBytes { b -> DispatchData in
            var data = DispatchData(bytes: a)
            data.append(b)
            return data
        } }
        XCTAssertEqual(SM3.hash(joined), SM3.hash(Array("abc".utf8)))
    }

    func testConcurrentHashingIsConsistent() async {
        let message = [UInt8](repeating: 0x5A, count: 100_000)
        let expected = SM3.hash(message)
        await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 { group.addTask { SM3.hash(message) } }
            for await digest in group { XCTAssertEqual(digest, expected) }
        }
    }

    func testAgreesWithOpenSSL() throws {
        let message = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let run = try ExternalTools.openssl(["dgst", "-sm3", "-binary"], stdin: Data(message))
        XCTAssertEqual(Array(run.stdout), SM3.hash(message))
    }

    func testHashChainLinksAreSM3OfPreviousAndPayload() {
        XCTAssertEqual(HashChain.genesis, [UInt8](repeating: 0, count: 32))
        let payloads: [[UInt8]] = [Array("login alice".utf8), Array("grant bob".utf8), Array("logout alice".utf8)]
        var links: [[UInt8]] = []
        var previous = HashChain.genesis
        for payload in payloads {
            let link = HashChain.link(previous: previous, payload: payload)
            XCTAssertEqual(link, SM3.hash(previous + payload))
            links.append(link)
            previous = link
        }
        let entries = zip(payloads, links).map { (payload: $0, link: $1) }
        XCTAssertNil(HashChain.firstBrokenLink(in: entries))
        var tampered = entries
        tampered[1].payload = Array("grant mallory".utf8)
        XCTAssertEqual(HashChain.firstBrokenLink(in: tampered), 1)
    }

    func testBackendVersionsAreReported() {
        XCTAssertTrue(CryptoBackends.libgcryptVersion.hasPrefix("1."), CryptoBackends.libgcryptVersion)
        XCTAssertTrue(CryptoBackends.openSSLVersion.hasPrefix("OpenSSL 3"), CryptoBackends.openSSLVersion)
    }
}
