/// What a pattern capture may hold. Typed captures are validated while matching, so a pattern
/// like `from {src_ip:ip} port {src_port:int}` backtracks past text that only looks like its
/// delimiters (an injected " from " inside a user name) instead of storing a bad IP.
public enum CaptureType: String, Sendable, CaseIterable {
    /// Any text, possibly empty, possibly with spaces.
    case string
    /// One or more bytes without a space or tab.
    case word
    /// An optionally signed decimal integer; leading spaces (padding) are allowed and dropped.
    case int
    /// A decimal number such as `12.5`, `-3` or `1e6`; leading spaces are allowed and dropped.
    case float
    /// An IPv4 or IPv6 address (no zone, no brackets).
    case ip

    /// The end of the longest run starting at `start` that this type could possibly cover, so a
    /// lazy or greedy search never looks past it.
    @inline(__always)
    func scanLimit(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        switch self {
        case .string:
            return end
        case .word:
            var i = start
            while i < end, !ByteClass.isSpace(b[i]) { i += 1 }
            return i
        case .int, .float:
            var i = start
            while i < end, b[i] == 0x20 { i += 1 }
            while i < end, ByteClass.isNumberByte(b[i]) { i += 1 }
            return i
        case .ip:
            var i = start
            while i < end, ByteClass.isAddressByte(b[i]) { i += 1 }
            return i
        }
    }

    /// Whether `b[start..<end]` is a value of this type.
    @inline(__always)
    func accepts(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        switch self {
        case .string: return true
        case .word: return end > start
        case .int: return ByteClass.isInteger(b, start, end)
        case .float: return ByteClass.isDecimal(b, start, end)
        case .ip: return ByteClass.isIPv4(b, start, end) || ByteClass.isIPv6(b, start, end)
        }
    }

    /// Whether a whole string is a value of this type (used by typed renames).
    func accepts(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { accepts($0, 0, $0.count) }
    }
}

/// Byte classification on UTF-8, ASCII only: every delimiter decoders care about is ASCII, and
/// multi-byte sequences never contain ASCII bytes, so byte-wise scanning is safe.
enum ByteClass {
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- 0x61 < 6 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isNumberByte(_ c: UInt8) -> Bool {
        isDigit(c) || c == 0x2E || c == 0x2D || c == 0x2B || c == 0x65 || c == 0x45
    }
    @inline(__always) static func isAddressByte(_ c: UInt8) -> Bool { isHex(c) || c == 0x3A || c == 0x2E || c == 0x2D }
    /// Bytes a key of a key=value pair may contain.
    @inline(__always) static func isKeyByte(_ c: UInt8) -> Bool {
        isDigit(c) || isAlpha(c) || c == 0x5F || c == 0x2D || c == 0x2E
    }

    static func isInteger(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end, b[i] == 0x20 { i += 1 }
        if i < end, b[i] == 0x2D || b[i] == 0x2B { i += 1 }
        guard i < end, end - i <= 20 else { return false }
        while i < end { guard isDigit(b[i]) else { return false }; i += 1 }
        return true
    }

    static func isDecimal(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end, b[i] == 0x20 { i += 1 }
        if i < end, b[i] == 0x2D || b[i] == 0x2B { i += 1 }
        var digits = 0, dot = false
        while i < end {
            let c = b[i]
            if isDigit(c) { digits += 1 } else if c == 0x2E, !dot { dot = true } else { break }
            i += 1
        }
        guard digits > 0 else { return false }
        if i < end, b[i] | 0x20 == 0x65 {
            i += 1
            if i < end, b[i] == 0x2D || b[i] == 0x2B { i += 1 }
            guard i < end else { return false }
            while i < end, isDigit(b[i]) { i += 1 }
        }
        return i == end
    }

    /// Dotted quad, each part 0…255 without leading zeros (what inet_pton accepts).
    static func isIPv4(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start >= 7, end - start <= 15 else { return false }
        var i = start, parts = 0
        while true {
            let s = i
            var value = 0
            while i < end, isDigit(b[i]), i - s < 3 { value = value * 10 + Int(b[i] &- 0x30); i += 1 }
            let n = i - s
            guard n > 0, value <= 255, n == 1 || b[s] != 0x30 else { return false }
            parts += 1
            if i == end { return parts == 4 }
            guard parts < 4, b[i] == 0x2E else { return false }
            i += 1
        }
    }

    static func isIPv6(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start >= 2, end - start <= 45 else { return false }
        var i = start, groups = 0, compressed = false
        if b[i] == 0x3A {
            guard b[i + 1] == 0x3A else { return false }
            compressed = true
            i += 2
            if i == end { return true }
        }
        while true {
            let s = i
            while i < end, isHex(b[i]), i - s < 5 { i += 1 }
            guard i > s else { return false }
            if i < end, b[i] == 0x2E {
                // An IPv4 tail ("::ffff:192.0.2.1") stands for the last two groups.
                guard isIPv4(b, s, end) else { return false }
                groups += 2
                break
            }
            guard i - s <= 4 else { return false }
            groups += 1
            if i == end { break }
            guard b[i] == 0x3A else { return false }
            i += 1
            if i < end, b[i] == 0x3A {
                guard !compressed else { return false }
                compressed = true
                i += 1
                if i == end { break }
            } else if i == end {
                return false
            }
        }
        return compressed ? groups <= 7 : groups == 8
    }
}
