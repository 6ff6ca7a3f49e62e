import Foundation
import XCTest

@testable import LogAudit

final class SyslogFramerTests: XCTestCase {
    let messages = [
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed",
        "<13>Jan  1 00:00:00 host app: 市公安局 登录失败",
        "<13>x",
    ]

    func octetCounted(_ list: [String]) -> [UInt8] {
        list.flatMap { Array("\($0.utf8.count) \($0)".utf8) }
    }

    /// Feeds the stream in the given chunk sizes and collects every frame, then `finish()`.
    func frames(_ stream: [UInt8], cuts: [Int], framer: SyslogFramer = SyslogFramer()) -> ([SyslogFrame], SyslogFramingError?) {
        var framer = framer
        var out: [SyslogFrame] = []
        var start = 0
        for cut in cuts + [stream.count] where cut >= start {
            let output = framer.feed(stream[start..<cut])
            out += output.frames
            if let error = output.error { return (out, error) }
            start = cut
        }
        if let last = framer.finish() { out.append(last) }
        return (out, nil)
    }

    func texts(_ frames: [SyslogFrame]) -> [String] {
        frames.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    func testOctetCountingSplitAtEveryByte() {
        let stream = octetCounted(messages)
        for cut in 0...stream.count {
            let (out, error) = frames(stream, cuts: [cut])
            XCTAssertNil(error)
            XCTAssertEqual(texts(out), messages, "cut at \(cut)")
            XCTAssertTrue(out.allSatisfy { !$0.truncated })
        }
        // And byte by byte.
        let (out, error) = frames(stream, cuts: Array(0...stream.count))
        XCTAssertNil(error)
        XCTAssertEqual(texts(out), messages)

        var framer = SyslogFramer()
        _ = framer.feed(Array("5 ".utf8))
        XCTAssertEqual(framer.framing, .octetCounting)
    }

    func testNewlineFramingSplitAtEveryByteWithMixedTrailers() {
        let trailers = ["\n", "\r\n", "\0"]
        var stream: [UInt8] = []
        for (k, message) in messages.enumerated() { stream += Array((message + trailers[k % 3]).utf8) }
        for first in 0...stream.count {
            for second in stride(from: first, through: stream.count, by: 7) {
                let (out, error) = frames(stream, cuts: [first, second])
                XCTAssertNil(error)
                XCTAssertEqual(texts(out), messages, "cuts at \(first), \(second)")
            }
        }
        let (out, _) = frames(stream, cuts: Array(0...stream.count))
        XCTAssertEqual(texts(out), messages)

        var framer = SyslogFramer()
        _ = framer.feed(Array("<13>".utf8))
        XCTAssertEqual(framer.framing, .nonTransparent)
    }

    func testLastLineWithoutTrailerIsDeliveredAtTheEnd() {
        let (out, _) = frames(Array("<13>a\n<13>b".utf8), cuts: [])
        XCTAssertEqual(texts(out), ["<13>a", "<13>b"])
        XCTAssertEqual(out.map(\.truncated), [false, false])
    }

    func testEmptyFramesAreSkipped() {
        let (lines, _) = frames(Array("\n\r\n<13>a\n\n\r\n\0<13>b\n\n".utf8), cuts: [3])
        XCTAssertEqual(texts(lines), ["<13>a", "<13>b"])

        let (counted, error) = frames(Array("0 3 abc0 0 \n2 de".utf8), cuts: [5])
        XCTAssertNil(error)
        XCTAssertEqual(texts(counted), ["abc", "de"])
    }

    func testOversizedNewlineFrameIsCutNotBuffered() {
        let limit = 16
        let long = String(repeating: "x", count: 15) + "公公公" + String(repeating: "y", count: 100)
        let stream = Array("<13>short\n\(long)\n<13>after\n".utf8)
        for cut in 0...stream.count {
            let (out, error) = frames(stream, cuts: [cut], framer: SyslogFramer(maxFrameBytes: limit))
            XCTAssertNil(error)
            XCTAssertEqual(texts(out), ["<13>short", String(repeating: "x", count: 15), "<13>after"], "cut at \(cut)")
            XCTAssertEqual(out.map(\.truncated), [false, true, false])
        }
        // Never more than one frame (+1 byte) is held, however long the line.
        var framer = SyslogFramer(maxFrameBytes: limit)
        var delivered = 0
        for _ in 0..<10_000 { delivered += framer.feed(Array(repeating: UInt8(ascii: "z"), count: 100)).frames.count }
        XCTAssertEqual(delivered, 1)
        XCTAssertEqual(texts(framer.feed(Array("\n<13>next\n".utf8)).frames), ["<13>next"])

        // Exactly the limit is not truncated, also when the CR of a CRLF arrives first.
        let exact = String(repeating: "e", count: limit)
        let (exactOut, _) = frames(Array((exact + "\r\n").utf8), cuts: [limit + 1], framer: SyslogFramer(maxFrameBytes: limit))
        XCTAssertEqual(texts(exactOut), [exact])
        XCTAssertEqual(exactOut.map(\.truncated), [false])
    }

    func testOversizedOctetFrameIsCutAndStaysInStep() {
        let limit = 16
        let big = String(repeating: "b", count: 14) + "公" + String(repeating: "c", count: 40)
        let stream = octetCounted(["<13>a", big, "<13>z"])
        for cut in 0...stream.count {
            let (out, error) = frames(stream, cuts: [cut], framer: SyslogFramer(maxFrameBytes: limit))
            XCTAssertNil(error)
            XCTAssertEqual(texts(out), ["<13>a", String(repeating: "b", count: 14), "<13>z"], "cut at \(cut)")
            XCTAssertEqual(out.map(\.truncated), [false, true, false])
        }
    }

    func testAbsurdOctetCountIsAnErrorForTheConnection() {
        var framer = SyslogFramer(maxFrameBytes: 1024, maxOctetCount: 1 << 20)
        let output = framer.feed(Array("5 <13>a99999999999 <13>b".utf8))
        XCTAssertEqual(texts(output.frames), ["<13>a"])
        guard case .octetCountTooLarge(_, let limit, let offset)? = output.error else {
            return XCTFail("expected octetCountTooLarge, got \(String(describing: output.error))")
        }
        XCTAssertEqual(limit, 1 << 20)
        XCTAssertEqual(offset, 13)
        // The connection stays failed.
        XCTAssertEqual(framer.feed(Array("3 abc".utf8)).error, output.error)
        XCTAssertNil(framer.finish())

        // Split across chunks, the count is still caught.
        let (out, error) = frames(Array("3 abc12345".utf8) + Array("678901 x".utf8), cuts: [7],
                                  framer: SyslogFramer(maxFrameBytes: 1024, maxOctetCount: 1 << 20))
        XCTAssertEqual(texts(out), ["abc"])
        XCTAssertNotNil(error)
    }

    func testGarbageWhereALengthBelongsIsAnError() {
        var framer = SyslogFramer()
        let output = framer.feed(Array("3 abc<13>no length".utf8))
        XCTAssertEqual(texts(output.frames), ["abc"])
        XCTAssertEqual(output.error, .malformedOctetCount(offset: 5))
    }

    func testALineThatStartsWithANumberIsNotALength() {
        let lines = ["2024-01-15T10:20:30+08:00 host app: a", "1700000000123456 epoch", "12x"]
        for first in lines.indices {
            // Each line in turn opens the connection.
            let order = Array(lines[first...] + lines[..<first])
            let stream = Array(order.joined(separator: "\n").utf8) + [0x0A]
            for cut in 0...stream.count {
                var framer = SyslogFramer(maxFrameBytes: 1024, maxOctetCount: 1 << 20)
                var out = framer.feed(stream[0..<cut]).frames
                out += framer.feed(stream[cut...]).frames
                XCTAssertEqual(texts(out), order, "cut at \(cut)")
                XCTAssertEqual(framer.framing, .nonTransparent)
            }
        }
        var digitsOnly = SyslogFramer()
        XCTAssertEqual(digitsOnly.feed(Array("12345".utf8)).frames, [])
        XCTAssertEqual(digitsOnly.finish(), SyslogFrame(bytes: Array("12345".utf8), truncated: false))
        // Once `LEN SP` held, the same bytes are an error.
        var framer = SyslogFramer()
        XCTAssertEqual(framer.feed(Array("1 a12x".utf8)).error, .malformedOctetCount(offset: 5))
    }

    func testIncompleteOctetFrameAtEndIsDeliveredAsTruncated() {
        var framer = SyslogFramer()
        XCTAssertEqual(framer.feed(Array("10 <13>ab".utf8)).frames, [])
        XCTAssertEqual(framer.finish(), SyslogFrame(bytes: Array("<13>ab".utf8), truncated: true))
    }

    func testZeroCopyEmitSeesFramesInsideOneChunk() throws {
        var framer = SyslogFramer()
        var seen: [String] = []
        let stream = Array("<13>a\n<13>b\n".utf8)
        try stream.withUnsafeBytes { raw in
            try framer.feed(raw) { frame, truncated in
                XCTAssertFalse(truncated)
                // The view points into the caller's chunk: no copy was made.
                XCTAssertTrue(frame.baseAddress! >= raw.baseAddress! && frame.baseAddress! < raw.baseAddress! + raw.count)
                seen.append(String(decoding: frame, as: UTF8.self))
            }
        }
        XCTAssertEqual(seen, ["<13>a", "<13>b"])
    }
}
