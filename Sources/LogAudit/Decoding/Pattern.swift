#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dissect-style pattern compiled for matching on UTF-8 bytes.
///
/// Syntax: literal text with captures between it.
/// - `{name}` captures lazily up to the next literal (the shortest text that lets the rest match);
///   `{name...}` captures greedily (the longest). A capture at the end takes the rest of the line.
/// - `{name:type}` validates the text: `string` (default), `word`, `int`, `float`, `ip`;
///   `{name:a|b|c}` accepts exactly one of the listed words.
/// - `{name?}` (or `{name:int?}`) also accepts an empty value or `-`, meaning "absent".
/// - `{_}` or `{_anything}` matches without keeping the text.
/// - `{?literal text {and:captures}}` is an optional part, tried first, skipped if the line does
///   not match with it.
/// - `{{` and `}}` are literal braces.
/// The whole (trimmed) message must match: end with `{_}` to ignore a tail.
final class Pattern: @unchecked Sendable {
    // @unchecked: the raw buffers are written once in init and only read afterwards.
    enum Kind: UInt8, Sendable { case literal, capture, optional }

    /// One step of the pattern; flat so matching touches no reference-counted storage.
    struct Element: Sendable {
        var kind: Kind
        /// Literal: range in `literals`.
        var literalStart: Int32 = 0
        var literalCount: Int32 = 0
        /// Capture: slot, or -1 when the text is not kept.
        var slot: Int32 = -1
        var type: CaptureType = .string
        var greedy = false
        var dashIsAbsent = false
        /// Optional group: index of the first element after the group.
        var groupEnd: Int32 = 0
        /// Choice capture: its alternatives are `choices[choiceStart..<choiceStart+choiceCount]`.
        var choiceStart: Int32 = 0
        var choiceCount: Int32 = 0
    }

    struct Slot: Sendable, Equatable {
        var name: String
        var type: CaptureType
        var dashIsAbsent: Bool
    }

    let source: String
    let slots: [Slot]
    /// Bytes a match can start with; nil when any byte can.
    let firstBytes: ByteSet?
    private let elements: UnsafeMutableBufferPointer<Element>
    private let literals: UnsafeMutableBufferPointer<UInt8>
    /// Ranges in `literals` (start, count) of the alternatives of choice captures.
    private let choices: UnsafeMutableBufferPointer<(start: Int32, count: Int32)>
    /// A leading literal every match starts with (range in `literals`), checked before matching.
    private let head: Range<Int>
    /// A trailing literal every match ends with.
    private let tail: Range<Int>

    init(_ source: String) throws(PatternError) {
        var parser = PatternParser(source: Array(source.utf8))
        try parser.parse()
        self.source = source
        slots = parser.slots
        elements = .allocate(capacity: parser.elements.count)
        _ = elements.initialize(from: parser.elements)
        literals = .allocate(capacity: max(1, parser.literals.count))
        _ = literals.initialize(from: parser.literals)
        choices = .allocate(capacity: max(1, parser.choices.count))
        _ = choices.initialize(from: parser.choices)
        let els = parser.elements
        if let first = els.first, first.kind == .literal {
            head = Int(first.literalStart)..<Int(first.literalStart + first.literalCount)
        } else {
            head = 0..<0
        }
        // The last element is certainly required only when it is outside every optional group.
        if let last = els.last, last.kind == .literal,
           !els.contains(where: { $0.kind == .optional && Int($0.groupEnd) == els.count }) {
            tail = Int(last.literalStart)..<Int(last.literalStart + last.literalCount)
        } else {
            tail = 0..<0
        }
        firstBytes = Self.firstBytes(els, parser.literals, parser.choices, from: 0)
    }

    deinit {
        elements.deallocate()
        literals.deallocate()
        choices.deallocate()
    }

    /// What a match starting at element `i` can begin with (nil: anything, or the empty string).
    private static func firstBytes(_ els: [Element], _ lit: [UInt8], _ choices: [(start: Int32, count: Int32)], from i: Int) -> ByteSet? {
        guard i < els.count else { return nil }
        let e = els[i]
        switch e.kind {
        case .literal:
            var set = ByteSet()
            set.insert(lit[Int(e.literalStart)])
            return set
        case .optional:
            guard var a = firstBytes(els, lit, choices, from: i + 1),
                  let b = firstBytes(els, lit, choices, from: Int(e.groupEnd)) else { return nil }
            a.formUnion(b)
            return a
        case .capture:
            guard e.choiceCount > 0, !e.dashIsAbsent else { return nil }
            var set = ByteSet()
            for c in Int(e.choiceStart)..<Int(e.choiceStart + e.choiceCount) {
                set.insert(lit[Int(choices[c].start)])
            }
            return set
        }
    }

    /// Matches `msg[start..<end]` completely. On success `caps[2*slot]`, `caps[2*slot+1]` hold the
    /// range of each kept capture (the caller sets them to -1 first; absent optional parts stay -1).
    func match(_ msg: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ caps: UnsafeMutableBufferPointer<Int>) -> Bool {
        let lit = UnsafeBufferPointer(literals)
        if !head.isEmpty {
            guard ByteSearch.hasPrefix(UnsafeBufferPointer(rebasing: lit[head]), in: msg, at: start, end: end) else { return false }
        }
        if !tail.isEmpty {
            guard end - start >= tail.count,
                  ByteSearch.hasPrefix(UnsafeBufferPointer(rebasing: lit[tail]), in: msg, at: end - tail.count, end: end) else { return false }
        }
        var m = PatternMatcher(el: UnsafeBufferPointer(elements), lit: lit, choices: UnsafeBufferPointer(choices),
                               msg: msg, end: end, caps: caps)
        return m.run(0, start)
    }
}

/// A set of bytes, for quick rejection on a message's first byte.
struct ByteSet: Sendable {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: bits.0 |= bit
        case 1: bits.1 |= bit
        case 2: bits.2 |= bit
        default: bits.3 |= bit
        }
    }

    mutating func formUnion(_ o: ByteSet) {
        bits = (bits.0 | o.bits.0, bits.1 | o.bits.1, bits.2 | o.bits.2, bits.3 | o.bits.3)
    }

    @inline(__always)
    func contains(_ b: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: return bits.0 & bit != 0
        case 1: return bits.1 & bit != 0
        case 2: return bits.2 & bit != 0
        default: return bits.3 & bit != 0
        }
    }
}

struct PatternError: Error, Sendable {
    let message: String
}

/// Backtracking matcher over one pattern. Records captures only while unwinding a complete
/// match, so a failed branch never leaves stale ranges behind.
struct PatternMatcher {
    let el: UnsafeBufferPointer<Pattern.Element>
    let lit: UnsafeBufferPointer<UInt8>
    let choices: UnsafeBufferPointer<(start: Int32, count: Int32)>
    let msg: UnsafeBufferPointer<UInt8>
    let end: Int
    let caps: UnsafeMutableBufferPointer<Int>
    /// Bounds the work on adversarial lines: a pattern that needs more steps simply does not match.
    var budget = 4096

    @inline(__always)
    func literal(_ e: Pattern.Element) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: lit[Int(e.literalStart)..<Int(e.literalStart + e.literalCount)])
    }

    @inline(__always)
    func accepts(_ e: Pattern.Element, _ s: Int, _ k: Int) -> Bool {
        if e.dashIsAbsent, k == s || (k == s + 1 && msg[s] == 0x2D) { return true }
        if e.choiceCount > 0 {
            let n = k - s
            for c in Int(e.choiceStart)..<Int(e.choiceStart + e.choiceCount) {
                let (cs, cn) = choices[c]
                if Int(cn) == n, n == 0 || memcmp(msg.baseAddress! + s, lit.baseAddress! + Int(cs), n) == 0 { return true }
            }
            return false
        }
        return e.type.accepts(msg, s, k)
    }

    @inline(__always)
    func record(_ e: Pattern.Element, _ s: Int, _ k: Int) {
        guard e.slot >= 0 else { return }
        caps[Int(e.slot) * 2] = s
        caps[Int(e.slot) * 2 + 1] = k
    }

    mutating func run(_ i: Int, _ pos: Int) -> Bool {
        if i == el.count { return pos == end }
        let e = el[i]
        switch e.kind {
        case .literal:
            let needle = literal(e)
            guard ByteSearch.hasPrefix(needle, in: msg, at: pos, end: end) else { return false }
            return run(i + 1, pos + needle.count)
        case .optional:
            if run(i + 1, pos) { return true }
            return run(Int(e.groupEnd), pos)
        case .capture:
            budget -= 1
            guard budget > 0 else { return false }
            let limit = e.type.scanLimit(msg, pos, end)
            let next = i + 1
            if next == el.count {
                guard limit == end, accepts(e, pos, end) else { return false }
                record(e, pos, end)
                return true
            }
            if el[next].kind == .literal {
                let needle = literal(el[next])
                let maxStart = min(limit, end - needle.count)
                guard maxStart >= pos else { return false }
                if e.greedy {
                    var k = maxStart
                    while let at = ByteSearch.last(needle, in: msg, from: k, minStart: pos) {
                        if accepts(e, pos, at), run(next, at) { record(e, pos, at); return true }
                        budget -= 1
                        guard budget > 0 else { return false }
                        k = at - 1
                    }
                } else {
                    var k = pos
                    while let at = ByteSearch.first(needle, in: msg, from: k, maxStart: maxStart) {
                        if accepts(e, pos, at), run(next, at) { record(e, pos, at); return true }
                        budget -= 1
                        guard budget > 0 else { return false }
                        k = at + 1
                    }
                }
                return false
            }
            // Followed by an optional part or another capture: try every possible end.
            var k = e.greedy ? limit : pos
            while k >= pos, k <= limit {
                if accepts(e, pos, k), run(next, k) { record(e, pos, k); return true }
                budget -= 1
                guard budget > 0 else { return false }
                k += e.greedy ? -1 : 1
            }
            return false
        }
    }
}

/// Turns pattern text into flat elements, with errors that point at a column.
struct PatternParser {
    let source: [UInt8]
    var elements: [Pattern.Element] = []
    var literals: [UInt8] = []
    var choices: [(start: Int32, count: Int32)] = []
    var slots: [Pattern.Slot] = []
    private var pending: [UInt8] = []
    private var i = 0
    /// Elements before this index belong to another group level: a literal must not merge into them.
    private var mergeFloor = 0

    init(source: [UInt8]) { self.source = source }

    mutating func parse() throws(PatternError) {
        guard !source.isEmpty else { throw PatternError(message: "the pattern is empty") }
        try sequence(groupStart: nil)
        guard !elements.isEmpty else { throw PatternError(message: "the pattern is empty") }
    }

    private mutating func flush() {
        guard !pending.isEmpty else { return }
        // Two literals in a row (e.g. around an escaped brace) are one literal.
        if let last = elements.last, last.kind == .literal, elements.count - 1 >= mergeFloor,
           Int(last.literalStart + last.literalCount) == literals.count {
            literals.append(contentsOf: pending)
            elements[elements.count - 1].literalCount += Int32(pending.count)
        } else {
            var e = Pattern.Element(kind: .literal)
            e.literalStart = Int32(literals.count)
            e.literalCount = Int32(pending.count)
            literals.append(contentsOf: pending)
            elements.append(e)
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func column(_ at: Int) -> Int {
        String(decoding: source[0..<at], as: UTF8.self).count + 1
    }

    private mutating func sequence(groupStart: Int?) throws(PatternError) {
        let n = source.count
        while i < n {
            let c = source[i]
            let next: UInt8? = i + 1 < n ? source[i + 1] : nil
            if c == 0x7B {  // {
                if next == 0x7B { pending.append(c); i += 2; continue }
                if next == 0x3F {  // {?
                    flush()
                    let open = i
                    let index = elements.count
                    elements.append(Pattern.Element(kind: .optional))
                    mergeFloor = elements.count
                    i += 2
                    try sequence(groupStart: open)
                    mergeFloor = elements.count
                    guard elements.count > index + 1 else {
                        throw PatternError(message: "empty optional part '{?}' at column \(column(open))")
                    }
                    elements[index].groupEnd = Int32(elements.count)
                    continue
                }
                try capture()
                continue
            }
            if c == 0x7D {  // }
                if next == 0x7D { pending.append(c); i += 2; continue }
                if groupStart != nil { flush(); i += 1; return }
                throw PatternError(message: "unbalanced braces: unexpected '}' at column \(column(i)) (write '}}' for a literal brace)")
            }
            pending.append(c)
            i += 1
        }
        if let open = groupStart {
            throw PatternError(message: "unbalanced braces: the optional part '{?' at column \(column(open)) is never closed")
        }
        flush()
    }

    private mutating func capture() throws(PatternError) {
        let open = i
        var j = i + 1
        while j < source.count, source[j] != 0x7D {
            if source[j] == 0x7B {
                throw PatternError(message: "unbalanced braces: '{' at column \(column(open)) is not closed before the '{' at column \(column(j))")
            }
            j += 1
        }
        guard j < source.count else {
            throw PatternError(message: "unbalanced braces: '{' at column \(column(open)) is never closed")
        }
        var spec = String(decoding: source[(open + 1)..<j], as: UTF8.self)
        let shown = "{\(spec)}"
        i = j + 1
        var greedy = false, dash = false
        while true {
            if spec.hasSuffix("...") { greedy = true; spec.removeLast(3) } else if spec.hasSuffix("?") { dash = true; spec.removeLast() } else { break }
        }
        var name = spec
        var type = CaptureType.string
        var alternatives: [String] = []
        if let colon = spec.firstIndex(of: ":") {
            name = String(spec[..<colon])
            let typeName = String(spec[spec.index(after: colon)...])
            if typeName.contains("|") {
                alternatives = typeName.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard !alternatives.contains("") else {
                    throw PatternError(message: "empty alternative in \(shown) at column \(column(open))")
                }
                type = alternatives.contains { $0.utf8.contains(where: ByteClass.isSpace) } ? .string : .word
            } else if let t = CaptureType(rawValue: typeName) {
                type = t
            } else {
                let known = CaptureType.allCases.map(\.rawValue).joined(separator: ", ")
                throw PatternError(message: "unknown capture type '\(typeName)' in \(shown) at column \(column(open)) (known types: \(known), or a|b|c)")
            }
        }
        guard Self.isValidName(name) else {
            throw PatternError(message: "invalid capture name in \(shown) at column \(column(open)) (use letters, digits, '_', '.', '-'; '_' alone skips text)")
        }
        flush()
        var e = Pattern.Element(kind: .capture)
        if !alternatives.isEmpty {
            e.choiceStart = Int32(choices.count)
            e.choiceCount = Int32(alternatives.count)
            for a in alternatives {
                choices.append((Int32(literals.count), Int32(a.utf8.count)))
                literals.append(contentsOf: a.utf8)
            }
        }
        e.type = type
        e.greedy = greedy
        e.dashIsAbsent = dash
        if !name.hasPrefix("_") {
            guard !slots.contains(where: { $0.name == name }) else {
                throw PatternError(message: "capture '\(name)' appears twice in the pattern (column \(column(open)))")
            }
            e.slot = Int32(slots.count)
            slots.append(Pattern.Slot(name: name, type: type, dashIsAbsent: dash))
        }
        elements.append(e)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, ByteClass.isAlpha(first) || first == 0x5F else { return false }
        return name.utf8.allSatisfy { ByteClass.isKeyByte($0) }
    }
}
