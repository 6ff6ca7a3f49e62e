/// The `condition` of a Sigma detection, parsed. Precedence, loosest first: `or`, `and`, `not`,
/// `x of`, parentheses.
indirect enum SigmaCondition: Sendable, Equatable {
    case identifier(String)
    case and(SigmaCondition, SigmaCondition)
    case or(SigmaCondition, SigmaCondition)
    case not(SigmaCondition)
    /// `1 of sel*`, `all of them`, `2 of filter_*`. A nil count means `all`.
    case of(count: Int?, pattern: String)

    struct ParseError: Error { let message: String }

    static func parse(_ text: String) throws(ParseError) -> SigmaCondition {
        if text.contains("|") {
            throw ParseError(message: "aggregations after '|' (count, near, …) are obsolete in Sigma 2; write a correlation rule instead")
        }
        var parser = Parser(tokens: tokenize(text))
        guard !parser.tokens.isEmpty else { throw ParseError(message: "the condition is empty") }
        let expr = try parser.parseOr()
        if let extra = parser.peek { throw ParseError(message: "unexpected '\(extra)' in condition '\(text)'") }
        return expr
    }

    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for ch in text {
            if ch == "(" || ch == ")" || ch.isWhitespace {
                if !current.isEmpty { tokens.append(current); current = "" }
                if !ch.isWhitespace { tokens.append(String(ch)) }
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private struct Parser {
        let tokens: [String]
        var position = 0

        init(tokens: [String]) { self.tokens = tokens }

        var peek: String? { position < tokens.count ? tokens[position] : nil }
        var peekLower: String? { peek?.lowercased() }

        mutating func next() -> String? {
            defer { position += 1 }
            return peek
        }

        mutating func parseOr() throws(ParseError) -> SigmaCondition {
            var left = try parseAnd()
            while peekLower == "or" {
                position += 1
                left = .or(left, try parseAnd())
            }
            return left
        }

        mutating func parseAnd() throws(ParseError) -> SigmaCondition {
            var left = try parseNot()
            while peekLower == "and" {
                position += 1
                left = .and(left, try parseNot())
            }
            return left
        }

        mutating func parseNot() throws(ParseError) -> SigmaCondition {
            if peekLower == "not" {
                position += 1
                return .not(try parseNot())
            }
            return try parsePrimary()
        }

        mutating func parsePrimary() throws(ParseError) -> SigmaCondition {
            guard let token = next() else { throw ParseError(message: "the condition ends where a selection name was expected") }
            let lower = token.lowercased()
            if token == "(" {
                let inner = try parseOr()
                guard next() == ")" else { throw ParseError(message: "missing ')' in condition") }
                return inner
            }
            if token == ")" || ["and", "or", "not", "of"].contains(lower) {
                throw ParseError(message: "unexpected '\(token)' where a selection name was expected")
            }
            if peekLower == "of" {
                position += 1
                let count: Int?
                if lower == "all" {
                    count = nil
                } else if let n = Int(token), n > 0 {
                    count = n
                } else {
                    throw ParseError(message: "'\(token) of' must be 'all of' or a positive number like '1 of'")
                }
                guard let pattern = next(), pattern != "(", pattern != ")" else {
                    throw ParseError(message: "'\(token) of' needs a selection name pattern or 'them'")
                }
                return .of(count: count, pattern: pattern)
            }
            return .identifier(token)
        }
    }
}

/// Matches a search-identifier pattern (`selection_*`) against a name.
func identifierPatternMatches(_ pattern: String, _ name: String) -> Bool {
    TextPattern(pieces: SigmaString.pieces(pattern), caseSensitive: true).matches(name)
}
