/// Key patterns for `kv.hex` and `join`: `*` matches any text, `#` one or more digits
/// (`a#` is auditd's a0, a1, … but not `acct` or `auid`).
struct KeyGlob: Sendable {
    private let exact: Set<String>
    private let globs: [[UInt8]]

    init(_ patterns: [String]) {
        exact = Set(patterns.filter { !$0.contains("*") && !$0.contains("#") })
        globs = patterns.filter { $0.contains("*") || $0.contains("#") }.map { Array($0.utf8) }
    }

    var isEmpty: Bool { exact.isEmpty && globs.isEmpty }

    func matches(_ key: String) -> Bool {
        if exact.contains(key) { return true }
        guard !globs.isEmpty else { return false }
        let k = Array(key.utf8)
        return globs.contains { Self.match($0[...], k[...]) }
    }

    /// The number a single-`#` glob captured, for ordering joined values (a2 before a10).
    static func number(in key: String) -> Int {
        var n = 0
        for c in key.utf8 where ByteClass.isDigit(c) { n = min(n * 10 + Int(c - 0x30), 1 << 40) }
        return n
    }

    private static func match(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        let rest = p.dropFirst()
        switch c {
        case 0x2A:  // *
            var t = s
            while true {
                if match(rest, t) { return true }
                guard !t.isEmpty else { return false }
                t = t.dropFirst()
            }
        case 0x23:  // #
            var t = s
            guard let d = t.first, ByteClass.isDigit(d) else { return false }
            t = t.dropFirst()
            while true {
                if match(rest, t) { return true }
                guard let d = t.first, ByteClass.isDigit(d) else { return false }
                t = t.dropFirst()
            }
        default:
            guard s.first == c else { return false }
            return match(rest, s.dropFirst())
        }
    }
}
