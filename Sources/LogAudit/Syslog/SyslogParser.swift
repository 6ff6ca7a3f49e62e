#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import AnyunCore
import Foundation

/// Parses one syslog message (a UDP datagram, a TCP frame, a line of a syslogd file) into a
/// `SyslogMessage`. It never fails and never drops input:
///
/// 1. Trailing LF/CR/NUL (framing left-overs) are removed; a line over `maxMessageBytes` is cut
///    on a UTF-8 character boundary (`.truncated`); NUL bytes become the two characters `\0`
///    (`.hadNUL`).
/// 2. `<PRI>` followed by `VERSION SP` is RFC 5424 (`RFC5424Reader`, strict or lenient per
///    `Options.rfc5424`). When that grammar does not hold, the message falls back to the RFC
///    3164 reading of RFC 3164 §4.3.3 — PRI kept, everything after it verbatim in `msg` — and
///    carries `.parseError`.
/// 3. Anything else goes to the lenient RFC 3164 reader (`RFC3164Reader`, whose doc comment
///    records how it settles what rsyslog and syslog-ng disagree on).
/// 4. A line with neither PRI nor timestamp is `.unparsed`: `msg` is the whole line and
///    `.parseError` is set.
///
/// Text is decoded per field: UTF-8, else GB18030/GBK (`.convertedFromGBK`), else UTF-8 with
/// U+FFFD replacements (`.invalidEncoding`).
///
/// The parser works on bytes with integer indices, allocates only the Strings it returns, and
/// touches Foundation only for time zones with daylight saving (the default, Asia/Shanghai,
/// has none).
public struct SyslogParser: Sendable {
    /// How RFC 5424 messages are read.
    public enum RFC5424Mode: Sendable, Hashable {
        /// The RFC as written; any violation sends the message down the fallback path.
        case strict
        /// Accept the deviations real senders make (see `RFC5424Reader`).
        case lenient
    }

    public struct Options: Sendable {
        /// Longer messages are cut (on a character boundary) and flagged `.truncated`.
        public var maxMessageBytes: Int
        /// The zone of timestamps that carry none (every RFC 3164 one).
        public var defaultTimeZone: TimeZone
        /// How far (seconds) a year-less BSD timestamp may lie after the receive time before
        /// it is read as last year's.
        public var maxFutureSkew: Int64
        public var rfc5424: RFC5424Mode
        /// Strict mode only: an RFC 5424 MSG that starts with a BOM must be valid UTF-8 (RFC 5424
        /// §6.4; go-syslog's `WithCompliantMsg`).
        public var requireUTF8AfterBOM: Bool
        /// RFC 3164: read the word after the timestamp as the hostname when it looks like one
        /// (syslog-ng's `expect-hostname`). Off: it is always the program.
        public var expectHostname: Bool
        /// RFC 3164: words that must not be taken for a hostname (syslog-ng's `bad-hostname()`),
        /// e.g. program names a device writes where the hostname belongs.
        public var isBadHostname: (@Sendable (String) -> Bool)?

        public init(maxMessageBytes: Int = 64 * 1024,
                    defaultTimeZone: TimeZone = SyslogParser.chinaStandardTime,
                    maxFutureSkew: Int64 = 7 * 86_400,
                    rfc5424: RFC5424Mode = .lenient,
                    requireUTF8AfterBOM: Bool = true,
                    expectHostname: Bool = true,
                    isBadHostname: (@Sendable (String) -> Bool)? = nil) {
            self.maxMessageBytes = maxMessageBytes
            self.defaultTimeZone = defaultTimeZone
            self.maxFutureSkew = maxFutureSkew
            self.rfc5424 = rfc5424
            self.requireUTF8AfterBOM = requireUTF8AfterBOM
            self.expectHostname = expectHostname
            self.isBadHostname = isBadHostname
        }
    }

    /// Asia/Shanghai (UTC+8, no daylight saving): where the reference deployment's devices are.
    public static let chinaStandardTime: TimeZone =
        TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    public let options: Options
    private let zone: SyslogZone

    public init(options: Options = Options()) {
        self.options = options
        self.zone = SyslogZone(options.defaultTimeZone)
    }

    // MARK: - Entry points

    /// Parses one message. `received` (µs since the epoch) anchors year inference for BSD
    /// timestamps; it is not stored (a missing timestamp stays nil).
    public func parse(_ bytes: UnsafeRawBufferPointer, received: Int64) -> SyslogMessage {
        prepare(bytes) { line, flags in
            parseLine(line, received: received, flags: flags)
        }
    }

    public func parse(_ bytes: some Collection<UInt8>, received: Int64) -> SyslogMessage {
        if let parsed = bytes.withContiguousStorageIfAvailable({
            parse(UnsafeRawBufferPointer($0), received: received)
        }) {
            return parsed
        }
        return Array(bytes).withUnsafeBytes { parse($0, received: received) }
    }

    public func parse(_ line: String, received: Int64) -> SyslogMessage {
        var line = line
        return line.withUTF8 { parse(UnsafeRawBufferPointer($0), received: received) }
    }

    /// The message read as strict RFC 5424, nil when it is not (whatever `options.rfc5424`
    /// says). For conformance checks and for senders that are known to speak RFC 5424.
    public func parseStrict5424(_ bytes: UnsafeRawBufferPointer, received: Int64) -> SyslogMessage? {
        prepare(bytes) { line, flags -> SyslogMessage? in
            guard let (facility, severity, afterPRI) = Self.priority(line, strict: true) else { return nil }
            let reader = RFC5424Reader(strict: true, requireUTF8AfterBOM: options.requireUTF8AfterBOM, zone: zone)
            let decoder = SyslogFieldDecoder(line: line, truncated: flags.contains(.truncated))
            guard var message = reader.read(line, facility: facility, severity: severity, from: afterPRI,
                                            decoder: decoder) else { return nil }
            message.flags.formUnion(flags)
            return message
        }
    }

    public func parseStrict5424(_ bytes: some Collection<UInt8>, received: Int64) -> SyslogMessage? {
        if let parsed = bytes.withContiguousStorageIfAvailable({
            parseStrict5424(UnsafeRawBufferPointer($0), received: received)
        }) {
            return parsed
        }
        return Array(bytes).withUnsafeBytes { parseStrict5424($0, received: received) }
    }

    public func parseStrict5424(_ line: String, received: Int64) -> SyslogMessage? {
        var line = line
        return line.withUTF8 { parseStrict5424(UnsafeRawBufferPointer($0), received: received) }
    }

    // MARK: - Steps

    /// Step 1: trailers, size limit, NUL bytes.
    private func prepare<R>(_ input: UnsafeRawBufferPointer,
                            _ body: (UnsafeRawBufferPointer, LogEventFlags) -> R) -> R {
        var count = input.count
        while count > 0, input[count - 1] == 0x0A || input[count - 1] == 0x0D || input[count - 1] == 0 { count -= 1 }
        var flags: LogEventFlags = []
        if count > options.maxMessageBytes {
            count = SyslogText.utf8SafePrefixLength(input, limit: max(0, options.maxMessageBytes))
            flags.insert(.truncated)
        }
        let line = UnsafeRawBufferPointer(rebasing: input[0..<count])
        if let base = line.baseAddress, count > 0, memchr(base, 0, count) != nil {
            flags.insert(.hadNUL)
            return SyslogText.escapingNUL(line).withUnsafeBytes { body($0, flags) }
        }
        return body(line, flags)
    }

    private func parseLine(_ line: UnsafeRawBufferPointer, received: Int64, flags: LogEventFlags) -> SyslogMessage {
        let decoder = SyslogFieldDecoder(line: line, truncated: flags.contains(.truncated))
        var message: SyslogMessage
        if let (facility, severity, afterPRI) = Self.priority(line, strict: false) {
            if Self.hasVersion(line, at: afterPRI) {
                let reader = RFC5424Reader(strict: options.rfc5424 == .strict,
                                           requireUTF8AfterBOM: options.requireUTF8AfterBOM, zone: zone)
                if let parsed = reader.read(line, facility: facility, severity: severity, from: afterPRI,
                                            decoder: decoder) {
                    message = parsed
                } else {
                    message = fallback(line, facility: facility, severity: severity, from: afterPRI, decoder: decoder)
                }
            } else {
                message = reader3164.read(line, facility: facility, severity: severity, from: afterPRI,
                                          received: received, decoder: decoder)
                    ?? fallback(line, facility: facility, severity: severity, from: afterPRI, decoder: decoder)
            }
        } else if let parsed = reader3164.read(line, facility: nil, severity: nil, from: 0, received: received,
                                               decoder: decoder) {
            message = parsed
        } else {
            var decoder = decoder
            message = SyslogMessage(format: .unparsed, msg: decoder.string(line, 0..<line.count),
                                    flags: decoder.flags.union(.parseError))
        }
        message.flags.formUnion(flags)
        return message
    }

    private var reader3164: RFC3164Reader {
        RFC3164Reader(zone: zone, maxFutureSkew: options.maxFutureSkew, expectHostname: options.expectHostname,
                      isBadHostname: options.isBadHostname)
    }

    /// RFC 3164 §4.3.3: a PRI without a usable header; the rest is MSG, kept verbatim.
    private func fallback(_ line: UnsafeRawBufferPointer, facility: Int, severity: Int, from start: Int,
                          decoder initial: SyslogFieldDecoder) -> SyslogMessage {
        var decoder = initial
        let msg = decoder.string(line, start..<line.count)
        return SyslogMessage(format: .rfc3164, facility: facility, severity: severity, msg: msg,
                             flags: decoder.flags.union(.parseError))
    }

    /// `<PRI>`: facility, severity and the index after `>`. Strict (RFC 5424): `0` or
    /// 1–3 digits without a leading zero; lenient also accepts leading zeros. At most 191.
    static func priority(_ p: UnsafeRawBufferPointer, strict: Bool) -> (Int, Int, Int)? {
        guard p.count >= 3, p[0] == UInt8(ascii: "<") else { return nil }
        var value = 0
        var i = 1
        while i < p.count, i <= 4, SyslogTimestampReader.isDigit(p[i]) {
            value = value * 10 + Int(p[i] &- 0x30)
            i += 1
        }
        let digits = i - 1
        guard digits >= 1, digits <= 3, i < p.count, p[i] == UInt8(ascii: ">"), value <= 191 else { return nil }
        if strict && digits > 1 && p[1] == UInt8(ascii: "0") { return nil }
        return (value >> 3, value & 7, i + 1)
    }

    /// `NONZERO-DIGIT 0*2DIGIT SP` right after the PRI marks RFC 5424.
    static func hasVersion(_ p: UnsafeRawBufferPointer, at start: Int) -> Bool {
        guard start < p.count, p[start] >= UInt8(ascii: "1"), p[start] <= UInt8(ascii: "9") else { return false }
        var i = start + 1
        while i < p.count, i - start < 3, SyslogTimestampReader.isDigit(p[i]) { i += 1 }
        return i < p.count && p[i] == 0x20
    }
}
