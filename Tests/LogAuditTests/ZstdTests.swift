import Foundation
import XCTest

@testable import LogAudit

/// The one-frame zstd wrapper sealed partitions are compressed with: round trips, and every way a
/// damaged or hostile frame must be refused rather than decoded into wrong bytes.
final class ZstdTests: XCTestCase {
    func testSyslogTextRoundTripsAndCompressesAtEachLevel() throws {
        let text = Self.syslogText(bytes: 1 << 20)
        var sizes: [Int32: Int] = [:]
        for level: Int32 in [1, 3, 9] {
            let frame = Zstd.compress(text, level: level)
            XCTAssertLessThan(frame.count, text.count / 3, "level \(level): \(frame.count) of \(text.count) bytes")
            XCTAssertEqual(try Zstd.decompress(frame, limit: text.count), text, "level \(level)")
            sizes[level] = frame.count
        }
        // The level must reach zstd: if it were dropped, every level would give the same frame.
        XCTAssertLessThan(try XCTUnwrap(sizes[9]), try XCTUnwrap(sizes[1]))
    }

    func testEmptyInputIsAValidFrame() throws {
        let frame = Zstd.compress([], level: 3)
        XCTAssertGreaterThan(frame.count, 4)
        XCTAssertEqual(Array(frame.prefix(4)), Self.magic)
        XCTAssertEqual(try Zstd.decompress(frame, limit: 0), [])
    }

    func testIncompressibleBytesRoundTrip() throws {
        var random = SplitMix64(seed: 0x5EED)
        let bytes = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let frame = Zstd.compress(bytes, level: 3)
        // Stored as raw blocks: barely larger than the input, never much larger.
        XCTAssertLessThan(frame.count, bytes.count + 1024)
        XCTAssertEqual(try Zstd.decompress(frame, limit: bytes.count), bytes)
    }

    func testTruncatedFrameIsRefused() {
        let frame = Zstd.compress(Self.syslogText(bytes: 64 << 10), level: 3)
        for length in [frame.count - 1, frame.count - 4, frame.count / 2, 20] {
            XCTAssertThrowsError(try Zstd.decompress(Array(frame.prefix(length)), limit: 1 << 20),
                                 "cut to \(length) of \(frame.count) bytes") { error in
                XCTAssertFalse((error as? ZstdError)?.reason.isEmpty ?? true)
            }
        }
        // Cut inside the header, there is no frame to speak of.
        XCTAssertEqual(Self.refusal(Array(frame.prefix(3)), limit: 1 << 20),
                       ZstdError(reason: "not a zstd frame"))
    }

    func testFlippedByteIsAlwaysDetected() throws {
        let text = Self.syslogText(bytes: 128 << 10)
        let frame = Zstd.compress(text, level: 3)
        // Frame header descriptor bit 2: the content checksum that catches what decoding alone lets by.
        XCTAssertNotEqual(frame[4] & 0x04, 0, "frame written without a content checksum")

        // The header is at most 18 bytes; every position after it, sampled across the frame.
        let positions = [frame.count / 2] + stride(from: 18, to: frame.count, by: max(1, frame.count / 97))
        for position in positions {
            var damaged = frame
            damaged[position] ^= 0x10
            XCTAssertThrowsError(try Zstd.decompress(damaged, limit: text.count),
                                 "byte \(position) of \(frame.count) flipped, not detected")
        }
    }

    func testDeclaredSizeAboveLimitIsRefusedBeforeDecoding() throws {
        let bytes = Array(repeating: UInt8(ascii: "a"), count: 1000)
        let frame = Zstd.compress(bytes, level: 3)
        XCTAssertEqual(Self.refusal(frame, limit: 999),
                       ZstdError(reason: "content size 1000 exceeds limit 999"))
        XCTAssertEqual(Self.refusal(frame, limit: -1),
                       ZstdError(reason: "content size 1000 exceeds limit -1"))
        XCTAssertEqual(try Zstd.decompress(frame, limit: 1000), bytes)
    }

    func testGarbageIsNotAFrame() {
        for garbage in [Array("Jun 15 12:00:00 host sshd[1]: not compressed at all".utf8), [], [0x28, 0xB5, 0x2F]] {
            XCTAssertEqual(Self.refusal(garbage, limit: 1 << 20),
                           ZstdError(reason: "not a zstd frame"), "\(garbage.prefix(8))")
        }
    }

    func testFrameWithoutContentSizeIsRefused() throws {
        // Hand-made frames holding one raw block "abc" (RFC 8878 §3.1.1): the first declares its
        // size (single segment, 1-byte content size), the second does not (window descriptor instead).
        let block: [UInt8] = [0x19, 0x00, 0x00] + Array("abc".utf8)  // last block, raw, 3 bytes
        let sized = Self.magic + [0x20, 0x03] + block
        let unsized = Self.magic + [0x00, 0x00] + block
        XCTAssertEqual(try Zstd.decompress(sized, limit: 3), Array("abc".utf8))
        XCTAssertEqual(Self.refusal(unsized, limit: 1 << 20),
                       ZstdError(reason: "content size unknown"))
    }

    func testBytesAfterTheFrameAreRefused() throws {
        let first = Zstd.compress(Array("first".utf8), level: 3)
        let second = Zstd.compress(Array("second".utf8), level: 3)
        XCTAssertEqual(Self.refusal(first + second, limit: 1 << 20),
                       ZstdError(reason: "\(second.count) bytes after the frame"))
        XCTAssertEqual(Self.refusal(first + [0], limit: 1 << 20),
                       ZstdError(reason: "1 bytes after the frame"))
    }

    // MARK: - Helpers

    private static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// What `decompress` refused `bytes` with, or nil when it decoded them.
    private static func refusal(_ bytes: [UInt8], limit: Int) -> ZstdError? {
        do {
            _ = try Zstd.decompress(bytes, limit: limit)
            return nil
        } catch {
            return error
        }
    }

    /// RFC 3164 lines with the variety a real partition has (hosts, programs, pids, users,
    /// addresses, counters), from a fixed seed so a failure reproduces.
    private static func syslogText(bytes: Int) -> [UInt8] {
        var random = SplitMix64(seed: 42)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func number(_ bound: UInt64) -> UInt64 { random.next() % bound }
        let months = ["Jan", "Feb", "Mar", "Jun", "Jul", "Oct", "Dec"]
        let hosts = ["web01", "web02", "db-primary", "lb-edge", "mail", "combo", "fw-dmz", "app-7"]
        let users = ["root", "admin", "oracle", "deploy", "guest", "test", "www-data", "zhangwei"]
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 256)
        while out.count < bytes {
            let ip = "\(number(223) + 1).\(number(256)).\(number(256)).\(number(256))"
            let body: String
            switch number(6) {
            case 0: body = "sshd[\(number(60000))]: Failed password for \(pick(users)) from \(ip) port \(number(65535)) ssh2"
            case 1: body = "sshd[\(number(60000))]: Accepted publickey for \(pick(users)) from \(ip) port \(number(65535)) ssh2"
            case 2: body = "kernel: [\(number(900000)).\(number(1_000_000))] IN=eth0 OUT= SRC=\(ip) DST=10.0.0.\(number(255)) LEN=\(number(1500)) PROTO=TCP SPT=\(number(65535)) DPT=\(pick([22, 80, 443, 3306]))"
            case 3: body = "CRON[\(number(60000))]: (\(pick(users))) CMD (run-parts /etc/cron.hourly)"
            case 4: body = "nginx: \(ip) - - \"GET /api/v1/items/\(number(100000)) HTTP/1.1\" \(pick([200, 200, 304, 404, 500])) \(number(50000))"
            default: body = "su(pam_unix)[\(number(60000))]: session opened for user \(pick(users)) by (uid=\(number(1000)))"
            }
            let line = "<\(number(192))>\(pick(months)) \(number(28) + 1) \(String(format: "%02d:%02d:%02d", Int(number(24)), Int(number(60)), Int(number(60)))) \(pick(hosts)) \(body)\n"
            out.append(contentsOf: line.utf8)
        }
        return out
    }
}
