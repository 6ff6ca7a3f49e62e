#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import AnyunCore

/// Byte-level text helpers: UTF-8 validation, safe cutting, GB18030 conversion, NUL escaping.
enum SyslogText {
    /// Whether the bytes are well-formed UTF-8 (Unicode Table 3-7: no overlongs, no surrogates,
    /// nothing above U+10FFFF). ASCII runs are skipped eight bytes at a time.
    static func isValidUTF8(_ p: UnsafeRawBufferPointer) -> Bool {
        let n = p.count
        var i = 0
        while i < n {
            if i + 8 <= n, p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b = p[i]
            if b < 0x80 {
                i += 1
                continue
            }
            guard let length = sequenceLength(p, at: i) else { return false }
            i += length
        }
        return true
    }

    /// Length of the well-formed multi-byte sequence at `i`, nil when it is not one.
    @inline(__always)
    static func sequenceLength(_ p: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let n = p.count
        let b = p[i]
        @inline(__always) func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            k < n && p[k] >= lo && p[k] <= hi
        }
        switch b {
        case 0xC2...0xDF:
            return cont(i + 1) ? 2 : nil
        case 0xE0:
            return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : nil
        case 0xED:
            return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(i + 1) && cont(i + 2) ? 3 : nil
        case 0xF0:
            return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : nil
        case 0xF1...0xF3:
            return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : nil
        case 0xF4:
            return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : nil
        default:
            return nil
        }
    }

    /// The longest prefix of at most `limit` bytes that does not end inside a UTF-8 sequence:
    /// if the cut would split a multi-byte character, the whole character goes.
    static func utf8SafePrefixLength(_ p: UnsafeRawBufferPointer, limit: Int) -> Int {
        guard limit < p.count else { return p.count }
        guard limit > 0 else { return 0 }
        var lead = limit - 1
        // Walk back over at most three continuation bytes to the lead byte.
        while lead > 0, limit - lead < 4, p[lead] & 0xC0 == 0x80 { lead -= 1 }
        let b = p[lead]
        let needed: Int
        switch b {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return limit
        }
        return lead + needed > limit ? lead : limit
    }

    /// GB18030 (a superset of GBK and GB2312) to a String through iconv(3); nil when the bytes
    /// are not GB18030. `allowIncompleteTail` accepts a character cut off at the very end (the
    /// line was truncated) by dropping it.
    static func decodeGB18030(_ p: UnsafeRawBufferPointer, allowIncompleteTail: Bool) -> String? {
        guard let base = p.baseAddress, !p.isEmpty else { return "" }
        guard let cd = iconv_open("UTF-8", "GB18030"), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        // 2-byte GBK becomes at most 3 bytes of UTF-8, 4-byte GB18030 at most 4.
        let capacity = p.count * 2 + 4
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { out -> String? in
            guard let outBase = out.baseAddress else { return nil }
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = p.count
            var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBase)
                .assumingMemoryBound(to: CChar.self)
            var outLeft = capacity
            let result = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
            if result == -1 {
                guard errno == EINVAL, allowIncompleteTail, inLeft < 4 else { return nil }
            }
            let produced = capacity - outLeft
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<produced]), as: UTF8.self)
        }
    }

    /// The bytes with every NUL replaced by the two characters `\0`: visible in the console,
    /// harmless to C strings and SQLite, and not a U+FFFD that would hide what was sent.
    static func escapingNUL(_ p: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(p.count + 8)
        for b in p {
            if b == 0 {
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "0"))
            } else {
                out.append(b)
            }
        }
        return out
    }
}

/// Turns byte ranges of one line into Strings, choosing the encoding per field and recording
/// in `flags` what it had to do.
///
/// Order: valid UTF-8 stays as is; else GB18030/GBK (what Chinese Windows hosts and many
/// domestic devices send) with `.convertedFromGBK`; else invalid sequences become U+FFFD with
/// `.invalidEncoding`.
struct SyslogFieldDecoder {
    /// The whole line was checked once and is UTF-8: no per-field work is needed.
    let lineIsUTF8: Bool
    /// The line was cut at the size limit, so its last character may be incomplete.
    let lineTruncated: Bool
    let lineEnd: Int
    var flags: LogEventFlags = []

    init(line: UnsafeRawBufferPointer, truncated: Bool) {
        lineIsUTF8 = SyslogText.isValidUTF8(line)
        lineTruncated = truncated
        lineEnd = line.count
    }

    mutating func string(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        let bytes = UnsafeRawBufferPointer(rebasing: line[range])
        if lineIsUTF8 || SyslogText.isValidUTF8(bytes) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return convert(bytes, atLineEnd: range.upperBound == lineEnd)
    }

    /// Text the sender declared UTF-8 (an RFC 5424 MSG after a BOM): no GBK guess.
    mutating func declaredUTF8String(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        let bytes = UnsafeRawBufferPointer(rebasing: line[range])
        if !lineIsUTF8 && !SyslogText.isValidUTF8(bytes) { flags.insert(.invalidEncoding) }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func string(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { raw in
            SyslogText.isValidUTF8(raw) ? String(decoding: raw, as: UTF8.self) : convert(raw, atLineEnd: false)
        }
    }

    private mutating func convert(_ bytes: UnsafeRawBufferPointer, atLineEnd: Bool) -> String {
        if let text = SyslogText.decodeGB18030(bytes, allowIncompleteTail: lineTruncated && atLineEnd) {
            flags.insert(.convertedFromGBK)
            return text
        }
        flags.insert(.invalidEncoding)
        return String(decoding: bytes, as: UTF8.self)
    }
}
