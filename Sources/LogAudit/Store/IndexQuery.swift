import AnyunCore

/// A search query prepared for the bucket indexes: names resolved to ids and relative times to
/// instants once per search, then evaluated bucket by bucket into a set of positions.
///
/// Most terms are answered exactly by the index. A phrase of several words is answered by the
/// words' postings (every word present), arrival-time, `procid` and `msgid` terms by no index at
/// all: those results are candidates (`exact == false`) that the store confirms with
/// `QueryMatcher` on the stored events, so the meaning is always the matcher's.
struct IndexQuery: Sendable {
    private let root: Node
    let matcher: QueryMatcher

    /// Throws for a term no index or matcher can answer (a field that cannot take that kind of
    /// value), so the person searching is told instead of getting nothing.
    init(_ query: SearchQuery, context: QueryContext) throws(QueryCompileError) {
        root = try Node(query, context: context)
        matcher = QueryMatcher(query, context: context)
    }

    var isAll: Bool {
        if case .all = root { return true }
        return false
    }

    func evaluate(_ source: some BucketTermSource) throws -> IndexMatch {
        var times: [Int64]?
        return try root.evaluate(source, times: &times)
    }

    private indirect enum Node: Sendable {
        case all
        case none
        case candidates
        case not(Node)
        case and([Node])
        case or([Node])
        case term(IndexTerm)
        case range(IndexTerm.Kind, String, from: String?, below: String?, accept: @Sendable (String) -> Bool)
        case words(QueryPhrase)
        case time(Int64?, Int64?)

        init(_ query: SearchQuery, context: QueryContext) throws(QueryCompileError) {
            switch query {
            case .all: self = .all
            case .not(let inner): self = .not(try Node(inner, context: context))
            case .and(let items): self = .and(try items.map { (item) throws(QueryCompileError) in try Node(item, context: context) })
            case .or(let items): self = .or(try items.map { (item) throws(QueryCompileError) in try Node(item, context: context) })
            case .term(let term): self = try Self.term(term, context: context)
            }
        }

        // The cases mirror QueryMatcher.test: the index holds what the matcher reads.
        private static func term(_ term: SearchTerm, context: QueryContext) throws(QueryCompileError) -> Node {
            switch (term.target, term.predicate) {
            case (.fullText, .words(let phrase)):
                return .words(phrase)
            case (.fullText, .exists), (.time, .exists), (.received, .exists), (.transport, .exists), (.number(.seq), .exists):
                return .all
            case (.time, .times(let range)):
                let (low, high) = range.interval(now: context.now)
                return .time(low, high)
            case (.received, .times), (.number(.seq), .numbers), (.textColumn, _):
                return .candidates
            case (.number(let column), .exists):
                return .range(.column, column.rawValue, from: nil, below: nil, accept: { _ in true })
            case (.number(let column), .numbers(let range)):
                return .range(.column, column.rawValue, from: nil, below: nil, accept: { range.contains(Double($0) ?? .nan) })
            case (.transport, .transports(let transports)):
                let codes = Set(transports.compactMap { context.transportCodes[$0] }.map { String($0) })
                return .range(.column, "transport", from: nil, below: nil, accept: { codes.contains($0) })
            case (.unit, .exists):
                return .range(.column, "unit_id", from: nil, below: nil, accept: { _ in true })
            case (.system, .exists):
                return .range(.column, "system_id", from: nil, below: nil, accept: { _ in true })
            case (.unit, .names(let name)):
                return ids("unit_id", context.resolver.unitIDs(matching: name))
            case (.system, .names(let name)):
                return ids("system_id", context.resolver.systemIDs(matching: name))
            case (.field(let name), .exists):
                return .range(.field, name, from: nil, below: nil, accept: { _ in true })
            case (.field(let name), .ipAddress(let text, let key)):
                return QueryIndexedValues.textOnlyNames.contains(name)
                    ? .term(IndexTerm(kind: .field, name: name, value: text))
                    : .term(IndexTerm(kind: .field, name: name + "#ip", value: key))
            case (.field(let name), .ipRange(let range)):
                return .range(.field, name + "#ip", from: range.low, below: range.high + "\u{0}",
                              accept: { range.contains(key: $0) })
            case (.field(let name), .equals(let text)):
                return .term(IndexTerm(kind: .field, name: name, value: text))
            case (.field(let name), .wildcard(let pattern)):
                let prefix = pattern.literalPrefix
                return .range(.field, name, from: prefix.isEmpty ? nil : prefix,
                              below: prefix.isEmpty ? nil : QueryWildcard.successor(of: prefix), accept: { pattern.matches($0) })
            case (.field(let name), .numbers(let range)):
                return .range(.field, name, from: nil, below: nil,
                              accept: { QueryText.looksNumeric($0) && range.contains(Double($0) ?? .nan) })
            case (.field(let name), .texts(let range)):
                return .range(.field, name, from: range.lower?.value, below: range.upper.map { $0.value + "\u{0}" },
                              accept: { range.contains($0) })
            default:
                throw QueryCompileError("\(term.target) cannot take \(term.predicate)")
            }
        }

        private static func ids(_ column: String, _ ids: [Int64]) -> Node {
            guard !ids.isEmpty else { return .none }
            return .or(ids.map { .term(IndexTerm(kind: .column, name: column, value: String($0))) })
        }

        func evaluate(_ source: some BucketTermSource, times: inout [Int64]?) throws -> IndexMatch {
            switch self {
            case .all: return IndexMatch(set: OffsetSet(first: source.eventCount), exact: true)
            case .none: return IndexMatch(set: OffsetSet(), exact: true)
            case .candidates: return IndexMatch(set: OffsetSet(first: source.eventCount), exact: false)
            case .not(let inner):
                let match = try inner.evaluate(source, times: &times)
                // The complement of candidates is not a superset of the answer: keep everything.
                guard match.exact else { return IndexMatch(set: OffsetSet(first: source.eventCount), exact: false) }
                var set = OffsetSet(first: source.eventCount)
                set.subtract(match.set)
                return IndexMatch(set: set, exact: true)
            case .and(let items):
                var result = IndexMatch(set: OffsetSet(first: source.eventCount), exact: true)
                for item in items {
                    let match = try item.evaluate(source, times: &times)
                    result.set.formIntersection(match.set)
                    result.exact = result.exact && match.exact
                    if result.set.isEmpty { return IndexMatch(set: result.set, exact: true) }
                }
                return result
            case .or(let items):
                var result = IndexMatch(set: OffsetSet(), exact: true)
                for item in items {
                    let match = try item.evaluate(source, times: &times)
                    result.set.formUnion(match.set)
                    result.exact = result.exact && match.exact
                }
                return result
            case .term(let term):
                return IndexMatch(set: try source.positions(of: term), exact: true)
            case .range(let kind, let name, let low, let high, let accept):
                return IndexMatch(set: try source.union(kind, name, from: low, below: high, where: accept), exact: true)
            case .words(let phrase):
                return try Self.words(phrase, source)
            case .time(let low, let high):
                if times == nil { times = try source.times() }
                let set = OffsetSet(times: times!) { time in (low.map { time >= $0 } ?? true) && (high.map { time < $0 } ?? true) }
                return IndexMatch(set: set, exact: true)
            }
        }

        /// Every token present (the last as a prefix when asked); exact for a single token, since
        /// only the order of several is left unchecked.
        private static func words(_ phrase: QueryPhrase, _ source: some BucketTermSource) throws -> IndexMatch {
            var result = OffsetSet(first: source.eventCount)
            for (index, token) in phrase.tokens.enumerated() {
                let set = index == phrase.tokens.count - 1 && phrase.isPrefix
                    ? try source.union(.text, "", from: token, below: QueryWildcard.successor(of: token),
                                       where: { QueryText.hasPrefix($0, token) })
                    : try source.positions(of: .text(token))
                result.formIntersection(set)
                if result.isEmpty { break }
            }
            return IndexMatch(set: result, exact: phrase.tokens.count == 1)
        }
    }
}

/// The positions of a bucket a query selects; when not exact, a superset to confirm one by one.
struct IndexMatch: Sendable {
    var set: OffsetSet
    var exact: Bool
}
