/// A value with `*` (any run of characters, possibly empty) and `?` (exactly one character)
/// wildcards, matched like SQLite's GLOB: case-sensitive, one character = one Unicode scalar.
public struct QueryWildcard: Sendable, Hashable {
    public enum Piece: Sendable, Hashable {
        case literal(String)
        case anyRun
        case anyOne
    }

    public let pieces: [Piece]

    public init(pieces: [Piece]) {
        var merged: [Piece] = []
        for piece in pieces {
            switch (piece, merged.last) {
            case (.literal(let text), _) where text.isEmpty:
                continue
            case (.literal(let text), .literal(let previous)?):
                merged[merged.count - 1] = .literal(previous + text)
            case (.anyRun, .anyRun?):
                continue // `**` means the same as `*`
            default:
                merged.append(piece)
            }
        }
        self.pieces = merged
    }

    /// Reads the form resolvers receive: `*` and `?` are wildcards, `\` makes the next
    /// character literal.
    public init(escaped text: String) {
        var pieces: [Piece] = []
        var literal = String.UnicodeScalarView()
        var escaping = false
        for scalar in text.unicodeScalars {
            if escaping {
                literal.append(scalar)
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else if scalar == "*" || scalar == "?" {
                pieces.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
                pieces.append(scalar == "*" ? .anyRun : .anyOne)
            } else {
                literal.append(scalar)
            }
        }
        if escaping { literal.append("\\") }
        pieces.append(.literal(String(literal)))
        self.init(pieces: pieces)
    }

    public var hasWildcards: Bool {
        pieces.contains { if case .literal = $0 { return false } else { return true } }
    }

    /// The text before the first wildcard: every match starts with it, so it narrows an index scan.
    public var literalPrefix: String {
        if case .literal(let text)? = pieces.first { return text }
        return ""
    }

    /// `adm*`: a literal and one trailing `*`, which an index range answers on its own.
    public var isPrefixOnly: Bool {
        switch pieces.count {
        case 1: return pieces[0] == .anyRun
        case 2: if case .literal = pieces[0], pieces[1] == .anyRun { return true } else { return false }
        default: return false
        }
    }

    /// The pattern for SQLite GLOB, literal `*`, `?` and `[` written as one-character classes.
    public var glob: String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .anyRun: out += "*"
            case .anyOne: out += "?"
            case .literal(let text):
                for scalar in text.unicodeScalars {
                    switch scalar {
                    case "*": out += "[*]"
                    case "?": out += "[?]"
                    case "[": out += "[[]"
                    default: out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        return out
    }

    /// The pattern with `\` before literal `*`, `?` and `\`: what `QueryNameResolver` receives.
    public var escapedText: String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .anyRun: out += "*"
            case .anyOne: out += "?"
            case .literal(let text):
                for scalar in text.unicodeScalars {
                    if scalar == "*" || scalar == "?" || scalar == "\\" { out += "\\" }
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private enum Element: Equatable {
        case scalar(Unicode.Scalar)
        case one
        case run
    }

    private var elements: [Element] {
        pieces.flatMap { piece -> [Element] in
            switch piece {
            case .anyRun: return [.run]
            case .anyOne: return [.one]
            case .literal(let text): return text.unicodeScalars.map(Element.scalar)
            }
        }
    }

    /// GLOB matching: greedy with backtracking to the last `*`, linear in practice.
    public func matches(_ text: String) -> Bool {
        let pattern = elements
        let subject = Array(text.unicodeScalars)
        var p = 0, s = 0
        var star = -1, starSubject = 0
        while s < subject.count {
            if p < pattern.count, pattern[p] == .one || pattern[p] == .scalar(subject[s]) {
                p += 1
                s += 1
            } else if p < pattern.count, pattern[p] == .run {
                star = p
                starSubject = s
                p += 1
            } else if star >= 0 {
                p = star + 1
                starSubject += 1
                s = starSubject
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == .run { p += 1 }
        return p == pattern.count
    }

    /// The least string greater than every string that starts with `prefix` (in UTF-8 byte
    /// order, which is code point order), or nil when no such string exists (all U+10FFFF).
    static func successor(of prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 } // surrogates never appear in valid text
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                return String(view)
            }
        }
        return nil
    }
}
