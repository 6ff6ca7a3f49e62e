/// Recursive-descent parser of the search language.
///
/// ```
/// query      = [ or ] ;                        (* empty or blank: every event *)
/// or         = and { ( "OR" | "||" ) and } ;
/// and        = unary { [ "AND" | "&&" ] unary } ;   (* side by side = AND *)
/// unary      = ( "NOT" | "!" | "-" ) unary | primary ;
/// primary    = "(" or ")" | field ":" ( value | "(" or ")" ) | value ;
/// value      = word | phrase | range | comparison ;
/// range      = ( "[" | "{" ) bound "TO" bound ( "]" | "}" ) ;   (* [ ] inclusive, { } exclusive *)
/// comparison = ( ">" | ">=" | "<" | "<=" ) ( word | phrase ) ;
/// bound      = word | phrase | "*" ;
/// field      = ( letter | "_" | "@" ) { letter | digit | "_" | "." | "-" | "@" } ;
/// word       = { any character but white space, parentheses and '"'; "\" escapes one } ;
/// phrase     = '"' { any character; "\" escapes one } '"' ;
/// ```
/// Operators are case-insensitive; NOT binds tighter than AND, AND tighter than OR. Inside
/// `field:( … )` bare words and phrases belong to that field. A bare word `name:…` is always a
/// field term, so text holding a colon (`http://…`, `fe80::1`) must be quoted to be searched as
/// full text. Values are interpreted for their field by `QueryTermBuilder`.
public enum QueryParser {
    /// Times written without a zone are Beijing time (Asia/Shanghai, +08:00, no daylight saving).
    public static let defaultUTCOffsetSeconds = 8 * 3600

    public static func parse(_ text: String, limits: QueryLimits = .standard,
                             utcOffsetSeconds: Int = defaultUTCOffsetSeconds) throws(QuerySyntaxError) -> SearchQuery {
        let bytes = text.utf8.count
        guard bytes <= limits.maxBytes else {
            throw QuerySyntaxError("query is \(bytes) bytes, longer than the limit of \(limits.maxBytes)", column: 1)
        }
        let tokens = try QueryLexer.tokens(of: text)
        var state = State(tokens: tokens, limits: limits, builder: QueryTermBuilder(utcOffsetSeconds: utcOffsetSeconds))
        if case .end = tokens[0].kind { return .all }
        let query = try state.or(depth: 0, field: nil)
        let rest = state.peek
        switch rest.kind {
        case .end: return query
        case .rightParen: throw QuerySyntaxError("unbalanced parenthesis", column: rest.column)
        default: throw QuerySyntaxError("unexpected \(State.describe(rest))", column: rest.column)
        }
    }

    private struct State {
        let tokens: [QueryToken]
        let limits: QueryLimits
        let builder: QueryTermBuilder
        var position = 0
        var terms = 0

        var peek: QueryToken { tokens[position] }

        mutating func advance() -> QueryToken {
            let token = tokens[position]
            if position < tokens.count - 1 { position += 1 }
            return token
        }

        mutating func or(depth: Int, field: String?) throws(QuerySyntaxError) -> SearchQuery {
            var items = [try and(depth: depth, field: field)]
            while case .or = peek.kind {
                let op = advance()
                try expectTerm(after: op)
                items.append(try and(depth: depth, field: field))
            }
            return items.count == 1 ? items[0] : .or(flatten(items, or: true))
        }

        mutating func and(depth: Int, field: String?) throws(QuerySyntaxError) -> SearchQuery {
            var items = [try unary(depth: depth, field: field)]
            while true {
                if case .and = peek.kind {
                    let op = advance()
                    try expectTerm(after: op)
                } else if !peek.startsTerm {
                    break
                }
                items.append(try unary(depth: depth, field: field))
            }
            return items.count == 1 ? items[0] : .and(flatten(items, or: false))
        }

        mutating func unary(depth: Int, field: String?) throws(QuerySyntaxError) -> SearchQuery {
            guard case .not = peek.kind else { return try primary(depth: depth, field: field) }
            let op = advance()
            try checkDepth(depth + 1, at: op)
            try expectTerm(after: op)
            return .not(try unary(depth: depth + 1, field: field))
        }

        mutating func primary(depth: Int, field: String?) throws(QuerySyntaxError) -> SearchQuery {
            let token = advance()
            switch token.kind {
            case .leftParen:
                return try group(opening: token, depth: depth, field: field)
            case .field(let name):
                let value = advance()
                if case .leftParen = value.kind {
                    return try group(opening: value, depth: depth, field: name)
                }
                return try term(field: name, value: value, column: token.column)
            case .word, .phrase, .range:
                return try term(field: field, value: token, column: token.column)
            case .rightParen:
                throw QuerySyntaxError("unbalanced parenthesis", column: token.column)
            case .end:
                throw QuerySyntaxError("expected a term", column: token.column)
            case .and, .or, .not:
                throw QuerySyntaxError("expected a term before \(Self.describe(token))", column: token.column)
            }
        }

        mutating func group(opening: QueryToken, depth: Int, field: String?) throws(QuerySyntaxError) -> SearchQuery {
            try checkDepth(depth + 1, at: opening)
            if case .rightParen = peek.kind {
                throw QuerySyntaxError("empty parentheses", column: opening.column)
            }
            let inner = try or(depth: depth + 1, field: field)
            guard case .rightParen = peek.kind else {
                throw QuerySyntaxError("unbalanced parenthesis", column: opening.column)
            }
            _ = advance()
            return inner
        }

        mutating func term(field: String?, value: QueryToken, column: Int) throws(QuerySyntaxError) -> SearchQuery {
            terms += 1
            guard terms <= limits.maxTerms else {
                throw QuerySyntaxError("query has more than \(limits.maxTerms) terms", column: column)
            }
            return .term(try builder.term(field: field, value: value, column: column))
        }

        func expectTerm(after op: QueryToken) throws(QuerySyntaxError) {
            guard peek.startsTerm else {
                throw QuerySyntaxError("expected a term after \(Self.describe(op))", column: peek.column)
            }
        }

        func checkDepth(_ depth: Int, at token: QueryToken) throws(QuerySyntaxError) {
            guard depth <= limits.maxDepth else {
                throw QuerySyntaxError("query nests deeper than \(limits.maxDepth) levels", column: token.column)
            }
        }

        func flatten(_ items: [SearchQuery], or: Bool) -> [SearchQuery] {
            items.flatMap { item -> [SearchQuery] in
                switch (item, or) {
                case (.or(let inner), true), (.and(let inner), false): return inner
                default: return [item]
                }
            }
        }

        static func describe(_ token: QueryToken) -> String {
            switch token.kind {
            case .and: return "AND"
            case .or: return "OR"
            case .not: return "NOT"
            case .leftParen: return "'('"
            case .rightParen: return "')'"
            case .field(let name): return "field '\(name)'"
            case .word(let word): return "'\(word.text)'"
            case .phrase: return "phrase"
            case .range: return "range"
            case .end: return "end of query"
            }
        }
    }
}
