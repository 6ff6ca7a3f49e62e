/// One element of a Sigma string value once its wildcards and escapes are read.
enum PatternPiece: Sendable, Equatable {
    case byte(UInt8)
    /// `*`: any run of characters, possibly empty.
    case star
    /// `?`: exactly one character (one Unicode scalar, not one byte).
    case one
    /// A `windash` position: `-`, `/`, en dash, em dash or horizontal bar.
    case dash
}

/// A compiled string test: literal shapes (equals, prefix, suffix, contains) run as plain byte
/// scans; anything with inner wildcards runs the glob matcher. Case folding is done on the fly for
/// ASCII values, so the common case allocates nothing. A class: compiled once, shared, and cheap to
/// pass around (one reference instead of two arrays).
final class TextPattern: Sendable {
    enum Shape: Sendable { case any, equals, prefix, suffix, contains, glob }

    let shape: Shape
    /// The literal bytes for literal shapes (already lowercased when not case-sensitive).
    let literal: [UInt8]
    let pieces: [PatternPiece]
    let caseSensitive: Bool

    init(pieces input: [PatternPiece], caseSensitive: Bool) {
        self.caseSensitive = caseSensitive
        // Fold literal bytes once, here. Non-ASCII text is folded by the caller through
        // String.lowercased() before it becomes pieces, so only ASCII needs folding now.
        var pieces: [PatternPiece] = []
        pieces.reserveCapacity(input.count)
        for p in input {
            if p == .star, pieces.last == .star { continue }
            if case .byte(let b) = p, !caseSensitive { pieces.append(.byte(asciiFold(b))) } else { pieces.append(p) }
        }
        self.pieces = pieces
        let leadingStar = pieces.first == .star
        let trailingStar = pieces.count > 1 && pieces.last == .star
        let inner = pieces.dropFirst(leadingStar ? 1 : 0).dropLast(trailingStar ? 1 : 0)
        let innerIsLiteral = inner.allSatisfy { if case .byte = $0 { return true } else { return false } }
        if pieces == [.star] {
            shape = .any
            literal = []
        } else if innerIsLiteral {
            literal = inner.map { if case .byte(let b) = $0 { return b } else { return 0 } }
            switch (leadingStar, trailingStar) {
            case (false, false): shape = .equals
            case (false, true): shape = .prefix
            case (true, false): shape = .suffix
            case (true, true): shape = .contains
            }
        } else {
            shape = .glob
            literal = []
        }
    }

    /// Rough relative cost, used to order the checks of a rule cheapest first.
    var cost: Int {
        switch shape {
        case .any: return 1
        case .equals: return 2
        case .prefix, .suffix: return 3
        case .contains: return 6
        case .glob: return 10
        }
    }

    func matches(_ value: String) -> Bool {
        if shape == .any { return true }
        if caseSensitive { return run(value) }
        // Unicode text is folded the same way the pattern was.
        return matchesFolding(value)
    }

    private func run(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { run(UnsafeRawBufferPointer($0)) }
    }

    /// One pass: ASCII values are matched directly; others are lowercased first.
    func matchesFolding(_ value: String) -> Bool {
        var v = value
        let ascii = v.withUTF8 { buf -> Bool? in
            for b in buf where b >= 0x80 { return nil }
            return run(UnsafeRawBufferPointer(buf))
        }
        return ascii ?? run(value.lowercased())
    }

    private func run(_ v: UnsafeRawBufferPointer) -> Bool {
        let fold = !caseSensitive
        switch shape {
        case .any:
            return true
        case .equals:
            return v.count == literal.count && equalAt(v, 0, fold)
        case .prefix:
            return v.count >= literal.count && equalAt(v, 0, fold)
        case .suffix:
            return v.count >= literal.count && equalAt(v, v.count - literal.count, fold)
        case .contains:
            return find(v, fold)
        case .glob:
            return glob(v, fold)
        }
    }

    @inline(__always)
    private func equalAt(_ v: UnsafeRawBufferPointer, _ start: Int, _ fold: Bool) -> Bool {
        literal.withUnsafeBufferPointer { p in
            var i = 0
            let n = p.count
            if fold {
                while i < n {
                    if asciiFold(v[start + i]) != p[i] { return false }
                    i += 1
                }
            } else {
                while i < n {
                    if v[start + i] != p[i] { return false }
                    i += 1
                }
            }
            return true
        }
    }

    private func find(_ v: UnsafeRawBufferPointer, _ fold: Bool) -> Bool {
        let m = literal.count
        if m == 0 { return true }
        if v.count < m { return false }
        let first = literal[0]
        let last = v.count - m
        var i = 0
        while i <= last {
            let b = fold ? asciiFold(v[i]) : v[i]
            if b == first && equalAt(v, i, fold) { return true }
            i += 1
        }
        return false
    }

    /// Classic wildcard matching with one backtrack point per star (linear in practice).
    private func glob(_ v: UnsafeRawBufferPointer, _ fold: Bool) -> Bool {
        let n = v.count
        let m = pieces.count
        var p = 0, i = 0
        var starP = -1, starI = 0
        while i < n {
            if p < m {
                switch pieces[p] {
                case .star:
                    starP = p
                    starI = i
                    p += 1
                    continue
                case .byte(let b):
                    if (fold ? asciiFold(v[i]) : v[i]) == b {
                        p += 1
                        i += 1
                        continue
                    }
                case .one:
                    i += scalarLength(v[i])
                    p += 1
                    continue
                case .dash:
                    let c = v[i]
                    if c == UInt8(ascii: "-") || c == UInt8(ascii: "/") {
                        p += 1
                        i += 1
                        continue
                    }
                    if c == 0xE2, i + 2 < n, v[i + 1] == 0x80, (0x93...0x95).contains(v[i + 2]) {
                        p += 1
                        i += 3
                        continue
                    }
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starI += scalarLength(v[starI])
            i = starI
        }
        if i > n { return false }
        while p < m, pieces[p] == .star { p += 1 }
        return p == m
    }
}

@inline(__always)
func asciiFold(_ b: UInt8) -> UInt8 {
    (b &- 65) < 26 ? b | 0x20 : b
}

/// The length of the UTF-8 sequence a lead byte starts (1 for stray continuation bytes).
@inline(__always)
func scalarLength(_ lead: UInt8) -> Int {
    if lead < 0xC0 { return 1 }
    if lead < 0xE0 { return 2 }
    if lead < 0xF0 { return 3 }
    return 4
}
