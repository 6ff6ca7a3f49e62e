#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AnyunCore
import Foundation
import XCTest

@testable import LogAudit

/// iconv(3) used directly, as an oracle independent of the parser's own conversion code.
enum SyslogIconv {
    static func convert(_ bytes: [UInt8], from: String, to: String) -> [UInt8]? {
        guard let cd = iconv_open(to, from), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 8)
        let outCapacity = output.count
        return input.withUnsafeMutableBufferPointer { inBuffer -> [UInt8]? in
            output.withUnsafeMutableBufferPointer { outBuffer -> [UInt8]? in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outCapacity
                guard iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return nil }
                return outBuffer[0..<(outCapacity - outLeft)].map { UInt8(bitPattern: $0) }
            }
        }
    }

    static func gb18030(_ bytes: [UInt8]) -> String? {
        convert(bytes, from: "GB18030", to: "UTF-8").map { String(decoding: $0, as: UTF8.self) }
    }

    static func encodeGB18030(_ text: String) -> [UInt8]? {
        convert(Array(text.utf8), from: "UTF-8", to: "GB18030")
    }
}

final class SyslogParserTests: XCTestCase {
    let parser = SyslogParser()
    let received = SyslogTestData.received

    /// Epoch microseconds of a UTC wall-clock time, through Foundation (not the parser's code).
    func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
             offset: Int = 0) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset)!
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour,
                                                      minute: minute, second: second))!
        return Int64(date.timeIntervalSince1970) * 1_000_000
    }

    // MARK: - Nasty input

    func testEmptyLineIsUnparsedAndFlagged() {
        for input in ["", "\n", "\r\n", "\0"] {
            let message = parser.parse(input, received: received)
            XCTAssertEqual(message.format, .unparsed, String(reflecting: input))
            XCTAssertTrue(message.flags.contains(.parseError))
            XCTAssertEqual(message.msg, "")
            XCTAssertNil(message.facility)
        }
    }

    func testOnlyPRI() {
        let message = parser.parse("<13>", received: received)
        XCTAssertEqual(message.format, .rfc3164)
        XCTAssertEqual(message.facility, 1)
        XCTAssertEqual(message.severity, 5)
        XCTAssertEqual(message.priority, 13)
        XCTAssertEqual(message.msg, "")
        XCTAssertNil(message.timestamp)
        XCTAssertFalse(message.flags.contains(.parseError))

        let invalid = parser.parse("<192>", received: received)
        XCTAssertEqual(invalid.format, .unparsed)
        XCTAssertEqual(invalid.msg, "<192>")
        XCTAssertTrue(invalid.flags.contains(.parseError))
    }

    func testUnparseableLineKeepsEverything() {
        let line = "hello world, this is not syslog"
        let message = parser.parse(line, received: received)
        XCTAssertEqual(message.format, .unparsed)
        XCTAssertEqual(message.msg, line)
        XCTAssertEqual(message.flags, [.parseError])
    }

    func testHugeLineIsTruncatedOnACharacterBoundary() {
        // 1 MiB of 3-byte characters after a 30-byte header: the 64 KiB cut falls inside one.
        let header = "<13>Jan  1 00:00:00 host app: "
        let line = header + String(repeating: "公", count: (1 << 20) / 3)
        let message = parser.parse(line, received: received)
        XCTAssertTrue(message.flags.contains(.truncated))
        XCTAssertFalse(message.flags.contains(.invalidEncoding))
        XCTAssertFalse(message.msg.contains("\u{FFFD}"))
        let kept = header.utf8.count + message.msg.utf8.count
        XCTAssertLessThanOrEqual(kept, 64 * 1024)
        XCTAssertGreaterThan(kept, 64 * 1024 - 3)
        XCTAssertTrue(message.msg.allSatisfy { $0 == "公" })
        XCTAssertEqual(message.appName, "app")
    }

    func testTruncationNeverSplitsACharacterAtAnyLimit() {
        let line = "<13>Jan  1 00:00:00 host app: a€𐍈é"
        let bytes = Array(line.utf8)
        for limit in 30..<bytes.count {
            let small = SyslogParser(options: .init(maxMessageBytes: limit))
            let message = small.parse(bytes, received: received)
            XCTAssertTrue(message.flags.contains(.truncated), "limit \(limit)")
            XCTAssertFalse(message.flags.contains(.invalidEncoding), "limit \(limit)")
            XCTAssertTrue("a€𐍈é".hasPrefix(message.msg), "limit \(limit): \(message.msg)")
            XCTAssertGreaterThan(30 + message.msg.utf8.count, limit - 4, "limit \(limit) cut too much")
        }
        XCTAssertFalse(SyslogParser(options: .init(maxMessageBytes: bytes.count)).parse(bytes, received: received)
            .flags.contains(.truncated))
    }

    func testInvalidUTF8IsReplacedAndFlagged() {
        var bytes = Array("<13>Jan  1 00:00:00 host app: abc".utf8)
        bytes += [0xFF, 0xFE, 0x80]
        bytes += Array(" def".utf8)
        let message = parser.parse(bytes, received: received)
        XCTAssertTrue(message.flags.contains(.invalidEncoding))
        XCTAssertFalse(message.flags.contains(.convertedFromGBK))
        XCTAssertTrue(message.msg.hasPrefix("abc"))
        XCTAssertTrue(message.msg.hasSuffix(" def"))
        XCTAssertTrue(message.msg.contains("\u{FFFD}"))
        XCTAssertEqual(message.appName, "app")
    }

    func testGBKIsConverted() throws {
        let text = "市公安局 登录失败"
        let gbk = try XCTUnwrap(SyslogIconv.encodeGB18030(text))
        XCTAssertNotEqual(gbk, Array(text.utf8))
        let message = parser.parse(Array("<86>Jan  1 00:00:00 fw01 sshd[42]: ".utf8) + gbk, received: received)
        XCTAssertEqual(message.msg, text)
        XCTAssertEqual(message.appName, "sshd")
        XCTAssertEqual(message.procID, "42")
        XCTAssertTrue(message.flags.contains(.convertedFromGBK))
        XCTAssertFalse(message.flags.contains(.invalidEncoding))

        // In RFC 5424 structured data too.
        let sd = Array(#"<86>1 2024-01-01T00:00:00+08:00 fw01 app - - [login user=""#.utf8) + gbk
            + Array(#""] "#.utf8) + gbk
        let structured = parser.parse(sd, received: received)
        XCTAssertEqual(structured.format, .rfc5424)
        XCTAssertEqual(structured.structuredData.first?["user"], text)
        XCTAssertEqual(structured.msg, text)
        XCTAssertTrue(structured.flags.contains(.convertedFromGBK))
    }

    func testGBKCutAtTheLimitKeepsTheWholeCharacters() throws {
        let gbk = try XCTUnwrap(SyslogIconv.encodeGB18030("登录失败"))  // 8 bytes
        let header = Array("<13>Jan  1 00:00:00 host app: ".utf8)
        let small = SyslogParser(options: .init(maxMessageBytes: header.count + 5))
        let message = small.parse(header + gbk, received: received)
        XCTAssertEqual(message.msg, "登录")
        XCTAssertTrue(message.flags.contains(.truncated))
        XCTAssertTrue(message.flags.contains(.convertedFromGBK))
    }

    func testNULBytesAreMadeVisible() {
        let message = parser.parse(Array("<13>Jan  1 00:00:00 host app: a".utf8) + [0] + Array("b".utf8) + [0],
                                   received: received)
        XCTAssertEqual(message.msg, "a\\0b")
        XCTAssertEqual(message.appName, "app")
        XCTAssertTrue(message.flags.contains(.hadNUL))
        XCTAssertFalse(message.msg.contains("\u{FFFD}"))
        XCTAssertFalse(message.msg.contains("\0"))

        // A NUL trailer alone is framing, not content.
        XCTAssertFalse(parser.parse(Array("<13>x".utf8) + [0], received: received).flags.contains(.hadNUL))
    }

    // MARK: - RFC 3164 forms

    func testFileFormWithoutPRIGetsUserNotice() throws {
        let message = parser.parse("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
                                   received: received)
        XCTAssertEqual(message.format, .rfc3164)
        XCTAssertEqual(message.facility, 1)
        XCTAssertEqual(message.severity, 5)
        XCTAssertEqual(message.priority, 13)
        XCTAssertEqual(message.hostname, "LabSZ")
        XCTAssertEqual(message.appName, "sshd")
        XCTAssertEqual(message.procID, "24200")
        XCTAssertEqual(message.msg, "Invalid user webmaster from 173.234.31.186")
        XCTAssertEqual(message.timestamp, utc(2023, 12, 10, 6, 55, 46, offset: 8 * 3600))
        XCTAssertTrue(message.timestampZoneless)
        XCTAssertEqual(message.flags, [])
    }

    func testZonelessTimestampsUseShanghaiByDefaultAndTheConfiguredZoneOtherwise() throws {
        let line = "<13>Jan 15 08:00:00 host app: x"
        let shanghai = parser.parse(line, received: received)
        XCTAssertEqual(shanghai.timestamp, utc(2024, 1, 15, 0, 0, 0))
        XCTAssertEqual(shanghai.timestampUTCOffset, 8 * 3600)
        XCTAssertTrue(shanghai.timestampZoneless)

        let inUTC = SyslogParser(options: .init(defaultTimeZone: TimeZone(secondsFromGMT: 0)!)).parse(line, received: received)
        XCTAssertEqual(inUTC.timestamp, utc(2024, 1, 15, 8, 0, 0))

        // A zone with daylight saving: the offset follows the date.
        let berlin = SyslogParser(options: .init(defaultTimeZone: try XCTUnwrap(TimeZone(identifier: "Europe/Berlin"))))
        XCTAssertEqual(berlin.parse("<13>Jan 15 08:00:00 h a: x", received: received).timestampUTCOffset, 3600)
        XCTAssertEqual(berlin.parse("<13>Jun 15 08:00:00 h a: x", received: received).timestampUTCOffset, 7200)
        XCTAssertEqual(berlin.parse("<13>Jun 15 08:00:00 h a: x", received: received).timestamp,
                       utc(2024, 6, 15, 6, 0, 0))

        // An explicit offset wins and is not zone-less.
        let explicit = parser.parse("<13>2024-01-15T08:00:00-05:00 host app: x", received: received)
        XCTAssertEqual(explicit.timestamp, utc(2024, 1, 15, 13, 0, 0))
        XCTAssertFalse(explicit.timestampZoneless)
    }

    func testYearInference() {
        let utcParser = SyslogParser(options: .init(defaultTimeZone: TimeZone(secondsFromGMT: 0)!))
        // Just after new year: a December line is last year's.
        XCTAssertEqual(utcParser.parse("<13>Dec 31 23:59:00 h a: x", received: utc(2024, 1, 1, 0, 5, 0)).timestamp,
                       utc(2023, 12, 31, 23, 59, 0))
        // A sender slightly ahead across new year: next year.
        XCTAssertEqual(utcParser.parse("<13>Jan  1 00:00:10 h a: x", received: utc(2023, 12, 31, 23, 59, 0)).timestamp,
                       utc(2024, 1, 1, 0, 0, 10))
        // Weeks in the future is more likely last year's line than a clock that far ahead.
        XCTAssertEqual(utcParser.parse("<13>Apr 10 00:00:00 h a: x", received: utc(2024, 3, 15, 0, 0, 0)).timestamp,
                       utc(2023, 4, 10, 0, 0, 0))
        // The same day: this year.
        XCTAssertEqual(utcParser.parse("<13>Mar 15 12:00:00 h a: x", received: utc(2024, 3, 15, 12, 0, 1)).timestamp,
                       utc(2024, 3, 15, 12, 0, 0))
        // Feb 29 goes to the nearest leap year before.
        XCTAssertEqual(utcParser.parse("<13>Feb 29 10:00:00 h a: x", received: utc(2025, 3, 1, 0, 0, 0)).timestamp,
                       utc(2024, 2, 29, 10, 0, 0))
        // The skew is configurable.
        let lax = SyslogParser(options: .init(defaultTimeZone: TimeZone(secondsFromGMT: 0)!, maxFutureSkew: 60 * 86_400))
        XCTAssertEqual(lax.parse("<13>Apr 10 00:00:00 h a: x", received: utc(2024, 3, 15, 0, 0, 0)).timestamp,
                       utc(2024, 4, 10, 0, 0, 0))
        // Year inference happens in the receiver's zone: 00:30 Jan 1 in Shanghai is still Dec 31 UTC.
        XCTAssertEqual(parser.parse("<13>Jan  1 00:10:00 h a: x", received: utc(2023, 12, 31, 16, 30, 0)).timestamp,
                       utc(2023, 12, 31, 16, 10, 0))
    }

    func testDeviceVariants() {
        struct Expect {
            let line: String
            let host: String?
            let app: String?
            let pid: String?
            let msg: String
            var time: Int64? = nil
        }
        let cst = 8 * 3600
        let cases = [
            Expect(line: "<34>Oct 11 22:14:15 mymachine su: 'su root' failed", host: "mymachine", app: "su", pid: nil,
                   msg: "'su root' failed", time: utc(2023, 10, 11, 22, 14, 15, offset: cst)),
            // Missing hostname.
            Expect(line: "<13>Jan  2 03:04:05 sshd[12]: Accepted", host: nil, app: "sshd", pid: "12", msg: "Accepted"),
            // `tag:` without a space.
            Expect(line: "<13>Jan  2 03:04:05 host sshd:Accepted password", host: "host", app: "sshd", pid: nil,
                   msg: "Accepted password"),
            // Tag without pid and colon.
            Expect(line: "<13>Jan  2 03:04:05 host CRON job started", host: "host", app: "CRON", pid: nil,
                   msg: "job started"),
            // No timestamp: only a marked tag is read.
            Expect(line: "<15> openvpn[2499]: PTHREAD support initialized", host: nil, app: "openvpn", pid: "2499",
                   msg: "PTHREAD support initialized"),
            Expect(line: "<13>just text here", host: nil, app: nil, pid: nil, msg: "just text here"),
            // ISO timestamps in the 3164 header, with `T` or a space.
            Expect(line: "<13>2024-01-15T10:20:30.5+08:00 host app[7]: m", host: "host", app: "app", pid: "7", msg: "m",
                   time: utc(2024, 1, 15, 2, 20, 30) + 500_000),
            Expect(line: "<13>2024-01-15 10:20:30 host app: m", host: "host", app: "app", pid: nil, msg: "m",
                   time: utc(2024, 1, 15, 2, 20, 30)),
            // Cisco IOS: sequence number, unsynced marker, msec, zone label, trailing colon.
            Expect(line: "<189>123: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: Configured from console",
                   host: nil, app: "%SYS-5-CONFIG_I", pid: nil, msg: "Configured from console",
                   time: utc(2024, 3, 1, 18, 46, 11) + 123_000),
            // Cisco ASA with a year.
            Expect(line: "<166>Jan 15 2024 10:20:30: %ASA-6-302013: Built outbound TCP connection", host: nil,
                   app: "%ASA-6-302013", pid: nil, msg: "Built outbound TCP connection",
                   time: utc(2024, 1, 15, 2, 20, 30)),
            // Huawei VRP: year, offset, `[0]:` without a space.
            Expect(line: "<187>Jan 15 2024 10:20:30+08:00 HUAWEI %%01SHELL/5/CMDRECORD(s)[0]:Recorded command",
                   host: "HUAWEI", app: "%%01SHELL/5/CMDRECORD(s)", pid: "0", msg: "Recorded command",
                   time: utc(2024, 1, 15, 2, 20, 30)),
            // H3C Comware: `:msec` and the year after the time.
            Expect(line: "<189>Jan 15 10:20:30:123 2024 H3C %%10SHELL/5/SHELL_LOGIN: admin logged in", host: "H3C",
                   app: "%%10SHELL/5/SHELL_LOGIN", pid: nil, msg: "admin logged in",
                   time: utc(2024, 1, 15, 2, 20, 30) + 123_000),
            // IPv6 host, upper-case month, single-digit day.
            Expect(line: "<13>JAN 5 01:02:03 fe80::1 app: m", host: "fe80::1", app: "app", pid: nil, msg: "m",
                   time: utc(2024, 1, 4, 17, 2, 3)),
            // Key=value payloads are not program names.
            Expect(line: "<13>Jan  5 01:02:03 fw01 devid=FG100 action=deny", host: "fw01", app: nil, pid: nil,
                   msg: "devid=FG100 action=deny"),
        ]
        for expect in cases {
            let message = parser.parse(expect.line, received: received)
            XCTAssertEqual(message.format, .rfc3164, expect.line)
            XCTAssertEqual(message.hostname, expect.host, expect.line)
            XCTAssertEqual(message.appName, expect.app, expect.line)
            XCTAssertEqual(message.procID, expect.pid, expect.line)
            XCTAssertEqual(message.msg, expect.msg, expect.line)
            if let time = expect.time { XCTAssertEqual(message.timestamp, time, expect.line) }
            XCTAssertFalse(message.flags.contains(.parseError), expect.line)
        }
    }

    // MARK: - RFC 5424

    func testStrictAndLenient5424() {
        let zoneless = "<165>1 2003-10-11T22:14:15.003 host app - - - msg"
        let strict = SyslogParser(options: .init(rfc5424: .strict))
        XCTAssertNil(strict.parseStrict5424(zoneless, received: received))
        let fallback = strict.parse(zoneless, received: received)
        XCTAssertEqual(fallback.format, .rfc3164)
        XCTAssertTrue(fallback.flags.contains(.parseError))
        XCTAssertEqual(fallback.msg, "1 2003-10-11T22:14:15.003 host app - - - msg")
        XCTAssertEqual(fallback.facility, 20)

        let lenient = parser.parse(zoneless, received: received)
        XCTAssertEqual(lenient.format, .rfc5424)
        XCTAssertTrue(lenient.timestampZoneless)
        XCTAssertEqual(lenient.timestamp, utc(2003, 10, 11, 14, 14, 15) + 3000)
        XCTAssertEqual(lenient.msg, "msg")
        XCTAssertEqual(lenient.flags, [])

        // Lenient cuts an over-long APP-NAME to 48 and says so.
        let long = "<13>1 - host " + String(repeating: "a", count: 60) + " - - - m"
        XCTAssertNil(strict.parseStrict5424(long, received: received))
        let cut = parser.parse(long, received: received)
        XCTAssertEqual(cut.appName, String(repeating: "a", count: 48))
        XCTAssertTrue(cut.flags.contains(.truncated))

        // Broken SD keeps the header; the rest is kept verbatim and flagged.
        let brokenSD = #"<13>1 2024-01-01T00:00:00Z host app 1 ID [a i=""ok"] text"#
        let kept = parser.parse(brokenSD, received: received)
        XCTAssertEqual(kept.format, .rfc5424)
        XCTAssertEqual(kept.appName, "app")
        XCTAssertEqual(kept.msgID, "ID")
        XCTAssertEqual(kept.msg, #"[a i=""ok"] text"#)
        XCTAssertTrue(kept.flags.contains(.parseError))
    }

    func testStructuredDataIsUnescapedAndOrdered() throws {
        let line = #"<13>1 2024-01-01T00:00:00.000001Z h a p m [z@1 q="x\"y" b="back\\slash" c="br\]acket"][a@2 ip="1.1.1.1" ip="2.2.2.2"] "# + "\u{FEFF}body"
        let message = try XCTUnwrap(parser.parseStrict5424(line, received: received))
        XCTAssertEqual(message.structuredData.map(\.id), ["z@1", "a@2"])
        XCTAssertEqual(message.structuredData[0].params.map(\.name), ["q", "b", "c"])
        XCTAssertEqual(message.structuredData[0].params.map(\.value), ["x\"y", "back\\slash", "br]acket"])
        XCTAssertEqual(message.msg, "body")
        XCTAssertEqual(message.timestamp, utc(2024, 1, 1, 0, 0, 0) + 1)

        // Lenient: a backslash before another character is a literal backslash (RFC 5424 §6.3.3).
        let odd = #"<13>1 - - - - - [x a="c:\temp"]"#
        XCTAssertNil(parser.parseStrict5424(odd, received: received))
        XCTAssertEqual(parser.parse(odd, received: received).structuredData.first?["a"], #"c:\temp"#)
    }

    // MARK: - LogEvent

    func testLogEventConversion() {
        let line = #"<165>1 2024-01-01T08:00:00+08:00 web1 nginx 77 ACCESS [origin ip="10.0.0.1" ip="10.0.0.2"][req@1 path="/a b"] GET /"#
        let event = parser.parse(line, received: received).logEvent(received: received, transport: .tcp,
                                                                   sourceAddress: "192.0.2.9")
        XCTAssertEqual(event.time, utc(2024, 1, 1, 0, 0, 0))
        XCTAssertEqual(event.received, received)
        XCTAssertEqual(event.transport, .tcp)
        XCTAssertEqual(event.sourceAddress, "192.0.2.9")
        XCTAssertEqual(event.facility, 20)
        XCTAssertEqual(event.severity, 5)
        XCTAssertEqual(event.hostname, "web1")
        XCTAssertEqual(event.app, "nginx")
        XCTAssertEqual(event.procID, "77")
        XCTAssertEqual(event.msgID, "ACCESS")
        XCTAssertEqual(event.message, "GET /")
        XCTAssertEqual(event.fields, ["sd.origin.ip": "10.0.0.1,10.0.0.2", "sd.req@1.path": "/a b"])
        XCTAssertEqual(event.value(of: "sd.req@1.path"), "/a b")

        // No timestamp: the receive time; flags travel along.
        let bare = parser.parse("garbage", received: received).logEvent(received: received, transport: .udp,
                                                                        sourceAddress: nil)
        XCTAssertEqual(bare.time, received)
        XCTAssertEqual(bare.message, "garbage")
        XCTAssertEqual(bare.flags, [.parseError])
        XCTAssertNil(bare.facility)
    }

    /// Random edits of real lines (seeded, so a failure reproduces): the parser must not trap,
    /// and what it returns must be self-consistent.
    func testMutatedLinesNeverTrapAndStayConsistent() {
        let seeds: [[UInt8]] = [
            "<86>Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
            #"<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [ex@1 iut="3" a="\]\"\\"][p@2 c="h"] \#u{FEFF}entry"#,
            "<190>91: *Oct 07 03:10:04.123 UTC: %CRYPTO-4-RECVD: decaps: rec'd",
            "<187>Jan 15 2024 10:20:30+08:00 HUAWEI %%01SHELL/5/CMDRECORD(s)[0]:Recorded",
            "<7>2006-10-29T02:00:00.156+01:00 0002:: prg0: msgtxt",
        ].map { Array($0.utf8) }
        let interesting: [UInt8] = Array(" <>[]\":=-T.Z+0129".utf8) + [0, 0x0A, 0x0D, 0xFF, 0xE5, 0xBF, 0x81]
        var state: UInt64 = 0x5EED
        func next() -> Int {
            // SplitMix64.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        for round in 0..<20_000 {
            var bytes = seeds[next() % seeds.count]
            for _ in 0...(next() % 4) where !bytes.isEmpty {
                let at = next() % bytes.count
                switch next() % 4 {
                case 0: bytes[at] = interesting[next() % interesting.count]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(interesting[next() % interesting.count], at: at)
                default: bytes.removeSubrange(at...)
                }
            }
            let message = parser.parse(bytes, received: received)
            let context = "round \(round): \(String(decoding: bytes, as: UTF8.self).debugDescription)"
            if let facility = message.facility { XCTAssertTrue((0...23).contains(facility), context) }
            if let severity = message.severity { XCTAssertTrue((0...7).contains(severity), context) }
            XCTAssertEqual(message.facility == nil, message.format == .unparsed, context)
            if message.format == .unparsed {
                XCTAssertTrue(message.flags.contains(.parseError), context)
                var trimmed = bytes[...]
                while let last = trimmed.last, last == 0x0A || last == 0x0D || last == 0 { trimmed.removeLast() }
                if !trimmed.contains(0), let text = String(validating: trimmed, as: UTF8.self) {
                    XCTAssertEqual(message.msg, text, context)
                }
            }
            if message.format != .rfc5424 {
                XCTAssertNil(message.version, context)
                XCTAssertTrue(message.structuredData.isEmpty, context)
            }
            XCTAssertEqual(message.timestamp == nil, message.timestampUTCOffset == nil, context)
            XCTAssertFalse(message.msg.contains("\0"), context)
        }
    }

    /// A rough, printed (never asserted) figure for a debug build; the release-mode target is
    /// 300 000 lines/s on one core.
    func testThroughputIsPrinted() {
        let lines: [[UInt8]] = [
            "<86>Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
            #"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry"#,
            "<189>Jan 15 10:20:30:123 2024 H3C %%10SHELL/5/SHELL_LOGIN: admin logged in from 10.0.0.1",
        ].map { Array($0.utf8) }
        let rounds = 20_000
        let start = DispatchTime.now().uptimeNanoseconds
        var sink = 0
        for k in 0..<rounds {
            sink &+= parser.parse(lines[k % lines.count], received: received).msg.utf8.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("syslog parse throughput (this build): \(Int(Double(rounds) / seconds)) lines/s (\(sink))")
    }
}
