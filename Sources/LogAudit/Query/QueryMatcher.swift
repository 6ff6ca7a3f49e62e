import AnyunCore
import Foundation

/// Evaluates a `SearchQuery` on events in memory (live tail, detection, and the store's check of
/// candidates its index cannot decide): this defines what a query means. Full text goes through
/// the tokenizer the index uses (`Unicode61Tokens`, SQLite FTS5's unicode61 rules), fields through
/// what the index holds (`QueryIndexedValues`), text compared as bytes, wildcards as GLOB. Names
/// and relative times are resolved once, at init. Terms `IndexQuery` rejects match nothing.
public struct QueryMatcher: Sendable {
    private let root: Node

    public init(_ query: SearchQuery, context: QueryContext) {
        root = Node(query, context: context)
    }

    public func matches(_ event: LogEvent) -> Bool {
        var view = EventView(event: event)
        return root.evaluate(&view)
    }

    private indirect enum Node: Sendable {
        case constant(Bool)
        case not(Node)
        case and([Node])
        case or([Node])
        case term(SearchTerm, Resolved)

        init(_ query: SearchQuery, context: QueryContext) {
            switch query {
            case .all: self = .constant(true)
            case .not(let inner): self = .not(Node(inner, context: context))
            case .and(let items): self = .and(items.map { Node($0, context: context) })
            case .or(let items): self = .or(items.map { Node($0, context: context) })
            case .term(let term): self = .term(term, Resolved(term, context: context))
            }
        }

        func evaluate(_ view: inout EventView) -> Bool {
            switch self {
            case .constant(let value): return value
            case .not(let inner): return !inner.evaluate(&view)
            case .and(let items):
                for item in items where !item.evaluate(&view) { return false }
                return true
            case .or(let items):
                for item in items where item.evaluate(&view) { return true }
                return false
            case .term(let term, let resolved):
                return Self.test(term, resolved, &view)
            }
        }

        private static func test(_ term: SearchTerm, _ resolved: Resolved, _ view: inout EventView) -> Bool {
            let event = view.event
            switch (term.target, term.predicate) {
            case (.fullText, .words(let phrase)):
                return phrase.matches(view.messageTokens())
            case (.fullText, .exists), (.time, .exists), (.received, .exists), (.transport, .exists), (.number(.seq), .exists):
                return true
            case (.time, .times), (.received, .times):
                guard case .interval(let low, let high) = resolved else { return false }
                let value = term.target == .time ? event.time : event.received
                return (low.map { value >= $0 } ?? true) && (high.map { value < $0 } ?? true)
            case (.number(let column), .exists):
                return number(column, of: event) != nil
            case (.number(let column), .numbers(let range)):
                guard let value = number(column, of: event) else { return false }
                return range.contains(Double(value))
            case (.transport, .transports(let transports)):
                return transports.contains(event.transport)
            case (.unit, .exists):
                return event.unitID != nil
            case (.system, .exists):
                return event.systemID != nil
            case (.unit, .names), (.system, .names):
                guard case .ids(let ids) = resolved, let id = term.target == .unit ? event.unitID : event.systemID else { return false }
                return ids.contains(id)
            case (.textColumn(let column), let predicate):
                let value = column == .procid ? event.procID : event.msgID
                guard let value else { return false }
                if case .exists = predicate { return true }
                return matches(value, predicate)
            case (.field(let name), .exists):
                return !QueryIndexedValues.values(of: name, in: event).isEmpty
            case (.field(let name), .ipAddress(let text, let key)):
                if QueryIndexedValues.textOnlyNames.contains(name) {
                    return QueryIndexedValues.values(of: name, in: event).contains { QueryText.equal($0, text) }
                }
                return QueryIndexedValues.ipKeys(of: name, in: event).contains { $0 == key }
            case (.field(let name), .ipRange(let range)):
                return QueryIndexedValues.ipKeys(of: name, in: event).contains { range.contains(key: $0) }
            case (.field(let name), let predicate):
                return QueryIndexedValues.values(of: name, in: event).contains { matches($0, predicate) }
            default:
                return false
            }
        }

        private static func matches(_ value: String, _ predicate: QueryPredicate) -> Bool {
            switch predicate {
            case .equals(let text), .ipAddress(let text, _): return QueryText.equal(value, text)
            case .wildcard(let pattern): return pattern.matches(value)
            case .numbers(let range): return QueryText.looksNumeric(value) && range.contains(Double(value) ?? .nan)
            case .texts(let range): return range.contains(value)
            default: return false
            }
        }

        private static func number(_ column: QueryNumberColumn, of event: LogEvent) -> Int64? {
            switch column {
            case .severity: return event.severity.map(Int64.init)
            case .facility: return event.facility.map(Int64.init)
            case .seq: return event.seq
            case .unitID: return event.unitID
            case .systemID: return event.systemID
            case .hostID: return event.hostID
            }
        }
    }

    /// What a term needs from the context, worked out once.
    private enum Resolved: Sendable {
        case none
        case ids(Set<Int64>)
        case interval(Int64?, Int64?)

        init(_ term: SearchTerm, context: QueryContext) {
            switch (term.target, term.predicate) {
            case (.unit, .names(let name)): self = .ids(Set(context.resolver.unitIDs(matching: name)))
            case (.system, .names(let name)): self = .ids(Set(context.resolver.systemIDs(matching: name)))
            case (_, .times(let range)):
                let (low, high) = range.interval(now: context.now)
                self = .interval(low, high)
            default: self = .none
            }
        }
    }

    /// An event with its message tokenized at most once, and only if a term asks.
    private struct EventView {
        let event: LogEvent
        private var tokens: [String]?

        init(event: LogEvent) { self.event = event }

        mutating func messageTokens() -> [String] {
            if let tokens { return tokens }
            let made = Unicode61Tokens.tokens(of: event.message)
            tokens = made
            return made
        }
    }
}

public extension SearchQuery {
    /// Whether `event` matches, relative times counted from `now` (microseconds).
    func matches(_ event: LogEvent, resolver: any QueryNameResolver = StaticQueryNames(),
                 now: Int64 = LogEvent.microseconds(Date())) -> Bool {
        QueryMatcher(self, context: QueryContext(now: now, resolver: resolver)).matches(event)
    }
}
