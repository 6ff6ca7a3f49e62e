/// A word as typed, escapes resolved. Each character remembers whether it was escaped, so that
/// `*` and `?` are wildcards only when bare, and `\AND` is a word, not an operator.
struct QueryWord: Equatable {
    struct Character: Equatable {
        let scalar: Unicode.Scalar
        let escaped: Bool
    }

    let characters: [Character]

    var text: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: characters.map(\.scalar))
        return String(view)
    }

    var hasEscapes: Bool { characters.contains(where: \.escaped) }
    var isEmpty: Bool { characters.isEmpty }
    var isLoneStar: Bool { characters == [Character(scalar: "*", escaped: false)] }
    var hasWildcards: Bool { characters.contains { !$0.escaped && ($0.scalar == "*" || $0.scalar == "?") } }

    var wildcard: QueryWildcard {
        var pieces: [QueryWildcard.Piece] = []
        var literal = String.UnicodeScalarView()
        for character in characters {
            if !character.escaped && (character.scalar == "*" || character.scalar == "?") {
                pieces.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
                pieces.append(character.scalar == "*" ? .anyRun : .anyOne)
            } else {
                literal.append(character.scalar)
            }
        }
        pieces.append(.literal(String(literal)))
        return QueryWildcard(pieces: pieces)
    }
}

/// A value as written after a field or inside a range: a bare word or a quoted phrase.
enum QueryValueSyntax: Equatable {
    case word(QueryWord)
    case phrase(String)

    var text: String {
        switch self {
        case .word(let word): return word.text
        case .phrase(let text): return text
        }
    }
}

struct QueryBoundSyntax: Equatable {
    let value: QueryValueSyntax
    let inclusive: Bool
    let column: Int
}

struct QueryToken: Equatable {
    enum Kind: Equatable {
        case leftParen, rightParen
        case and, or, not
        /// `name:`; the lexer guarantees a value token (or `(`) follows directly.
        case field(String)
        case word(QueryWord)
        case phrase(String)
        /// `[a TO b]`, `{a TO b}`, mixed, and comparisons (`>=500` is `[500 TO *]`); nil is open.
        case range(lower: QueryBoundSyntax?, upper: QueryBoundSyntax?)
        case end
    }

    let kind: Kind
    /// 1-based, in Unicode scalars.
    let column: Int

    /// Whether this token can begin a term (so two terms side by side are an implicit AND).
    var startsTerm: Bool {
        switch kind {
        case .leftParen, .not, .field, .word, .phrase, .range: return true
        case .rightParen, .and, .or, .end: return false
        }
    }
}

/// Splits query text into tokens. It is context-sensitive in one place: right after `name:` it
/// reads a value, in which `:` is an ordinary character (IPv6 addresses, times) and AND/OR/NOT
/// are plain words.
struct QueryLexer {
    private let s: [Unicode.Scalar]
    private var i = 0
    private var tokens: [QueryToken] = []

    static func tokens(of text: String) throws(QuerySyntaxError) -> [QueryToken] {
        var lexer = QueryLexer(s: Array(text.unicodeScalars))
        try lexer.run()
        return lexer.tokens
    }

    private init(s: [Unicode.Scalar]) { self.s = s }

    private mutating func run() throws(QuerySyntaxError) {
        var valueFollows = false
        while true {
            if !valueFollows { skipSpace() }
            guard i < s.count else {
                tokens.append(QueryToken(kind: .end, column: s.count + 1))
                return
            }
            if valueFollows {
                valueFollows = false
                try value()
                continue
            }
            let column = i + 1
            switch s[i] {
            case "(":
                i += 1
                tokens.append(QueryToken(kind: .leftParen, column: column))
            case ")":
                i += 1
                tokens.append(QueryToken(kind: .rightParen, column: column))
            case "\"":
                let text = try phrase()
                try requireBoundary(after: "the closing quote")
                tokens.append(QueryToken(kind: .phrase(text), column: column))
            case "[", "{":
                try range()
            case ">", "<":
                try comparison()
            case "&" where peek(1) == "&":
                i += 2
                tokens.append(QueryToken(kind: .and, column: column))
            case "|" where peek(1) == "|":
                i += 2
                tokens.append(QueryToken(kind: .or, column: column))
            case "!":
                i += 1
                tokens.append(QueryToken(kind: .not, column: column))
            case "-":
                guard let next = peek(1), !Self.isSpace(next), next != ")" else {
                    throw QuerySyntaxError("'-' must be followed directly by a term", column: column)
                }
                i += 1
                tokens.append(QueryToken(kind: .not, column: column))
            default:
                if let (name, colon) = fieldAhead() {
                    i = colon + 1
                    guard let next = peek(0), !Self.isSpace(next), next != ")" else {
                        throw QuerySyntaxError("field '\(name)' needs a value", column: i + 1)
                    }
                    tokens.append(QueryToken(kind: .field(name), column: column))
                    valueFollows = true
                } else {
                    let word = try word(stoppingAt: [])
                    tokens.append(QueryToken(kind: keyword(word) ?? .word(word), column: column))
                }
            }
        }
    }

    /// The value right after `name:`.
    private mutating func value() throws(QuerySyntaxError) {
        let column = i + 1
        switch s[i] {
        case "(":
            i += 1
            tokens.append(QueryToken(kind: .leftParen, column: column))
        case "\"":
            let text = try phrase()
            try requireBoundary(after: "the closing quote")
            tokens.append(QueryToken(kind: .phrase(text), column: column))
        case "[", "{":
            try range()
        case ">", "<":
            try comparison()
        default:
            tokens.append(QueryToken(kind: .word(try word(stoppingAt: [])), column: column))
        }
    }

    private func keyword(_ word: QueryWord) -> QueryToken.Kind? {
        guard !word.hasEscapes else { return nil }
        switch word.text.uppercased() {
        case "AND": return .and
        case "OR": return .or
        case "NOT": return .not
        default: return nil
        }
    }

    /// `name:` at the cursor: a letter, `_` or `@`, then letters, digits, `_`, `.`, `-`, `@`.
    private func fieldAhead() -> (String, Int)? {
        guard i < s.count, Self.isNameStart(s[i]) else { return nil }
        var j = i + 1
        while j < s.count, Self.isNameStart(s[j]) || Self.isDigit(s[j]) || s[j] == "." || s[j] == "-" { j += 1 }
        guard j < s.count, s[j] == ":" else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s[i..<j])
        return (String(view), j)
    }

    /// A bare run up to whitespace, a parenthesis or one of `stops`; `\` escapes any character.
    private mutating func word(stoppingAt stops: Set<Unicode.Scalar>) throws(QuerySyntaxError) -> QueryWord {
        var characters: [QueryWord.Character] = []
        while i < s.count {
            let c = s[i]
            if Self.isSpace(c) || c == "(" || c == ")" || stops.contains(c) { break }
            if c == "\\" {
                guard i + 1 < s.count else { throw QuerySyntaxError("dangling backslash", column: i + 1) }
                characters.append(.init(scalar: s[i + 1], escaped: true))
                i += 2
                continue
            }
            if c == "\"" {
                throw QuerySyntaxError("unexpected quote inside a word (write \\\" for a literal quote)", column: i + 1)
            }
            characters.append(.init(scalar: c, escaped: false))
            i += 1
        }
        return QueryWord(characters: characters)
    }

    /// A quoted string at the cursor; `\` escapes any character (`\"`, `\\`).
    private mutating func phrase() throws(QuerySyntaxError) -> String {
        let column = i + 1
        i += 1
        var text = String.UnicodeScalarView()
        while true {
            guard i < s.count else { throw QuerySyntaxError("unterminated quote", column: column) }
            let c = s[i]
            if c == "\\" {
                guard i + 1 < s.count else { throw QuerySyntaxError("unterminated quote", column: column) }
                text.append(s[i + 1])
                i += 2
            } else if c == "\"" {
                i += 1
                return String(text)
            } else {
                text.append(c)
                i += 1
            }
        }
    }

    /// `[a TO b]` with `[`/`]` inclusive and `{`/`}` exclusive, `*` for an open end.
    private mutating func range() throws(QuerySyntaxError) {
        let column = i + 1
        let lowerInclusive = s[i] == "["
        i += 1
        skipSpace()
        let lower = try bound(inclusive: lowerInclusive, rangeColumn: column)
        skipSpace()
        guard i < s.count else { throw QuerySyntaxError("unterminated range", column: column) }
        guard i + 1 < s.count, s[i] == "T" || s[i] == "t", s[i + 1] == "O" || s[i + 1] == "o",
              i + 2 < s.count, Self.isSpace(s[i + 2]) else {
            throw QuerySyntaxError("range needs TO", column: i + 1)
        }
        i += 2
        skipSpace()
        // The upper bound's inclusiveness is only known at the closing bracket.
        let upperStart = i
        let upper = try bound(inclusive: true, rangeColumn: column)
        skipSpace()
        guard i < s.count else { throw QuerySyntaxError("unterminated range", column: column) }
        guard s[i] == "]" || s[i] == "}" else { throw QuerySyntaxError("range needs ] or }", column: i + 1) }
        let upperInclusive = s[i] == "]"
        i += 1
        try requireBoundary(after: "the range")
        let upperBound = upper.map { QueryBoundSyntax(value: $0.value, inclusive: upperInclusive, column: upperStart + 1) }
        tokens.append(QueryToken(kind: .range(lower: lower, upper: upperBound), column: column))
    }

    private mutating func bound(inclusive: Bool, rangeColumn: Int) throws(QuerySyntaxError) -> QueryBoundSyntax? {
        guard i < s.count else { throw QuerySyntaxError("unterminated range", column: rangeColumn) }
        let column = i + 1
        if s[i] == "\"" {
            return QueryBoundSyntax(value: .phrase(try phrase()), inclusive: inclusive, column: column)
        }
        let word = try word(stoppingAt: ["]", "}"])
        guard !word.isEmpty else { throw QuerySyntaxError("range needs a value", column: column) }
        if word.isLoneStar { return nil }
        return QueryBoundSyntax(value: .word(word), inclusive: inclusive, column: column)
    }

    /// `>v`, `>=v`, `<v`, `<=v`, written as the half-open range they mean.
    private mutating func comparison() throws(QuerySyntaxError) {
        let column = i + 1
        let greater = s[i] == ">"
        i += 1
        var inclusive = false
        if peek(0) == "=" {
            inclusive = true
            i += 1
        }
        let valueColumn = i + 1
        guard let next = peek(0), !Self.isSpace(next), next != ")", next != "(" else {
            throw QuerySyntaxError("comparison needs a value", column: valueColumn)
        }
        let value: QueryValueSyntax
        if next == "\"" {
            value = .phrase(try phrase())
            try requireBoundary(after: "the closing quote")
        } else {
            let word = try word(stoppingAt: [])
            guard !word.isLoneStar else { throw QuerySyntaxError("comparison needs a value", column: valueColumn) }
            value = .word(word)
        }
        let bound = QueryBoundSyntax(value: value, inclusive: inclusive, column: valueColumn)
        tokens.append(QueryToken(kind: greater ? .range(lower: bound, upper: nil) : .range(lower: nil, upper: bound), column: column))
    }

    private func requireBoundary(after what: String) throws(QuerySyntaxError) {
        if let next = peek(0), !Self.isSpace(next), next != ")" {
            throw QuerySyntaxError("expected a space after \(what)", column: i + 1)
        }
    }

    private func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

    private mutating func skipSpace() {
        while i < s.count, Self.isSpace(s[i]) { i += 1 }
    }

    /// Unicode white space, so the ideographic space (U+3000) of Chinese input separates too.
    static func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A) || c == "_" || c == "@"
    }
}
