import AnyunCore

/// A parsed search query: the typed tree that `IndexQuery` evaluates on the bucket indexes and
/// `QueryMatcher` evaluates on events in memory, with the same meaning.
///
/// Values are already interpreted for their field when the tree is built (times, numbers, IP
/// blocks, wildcards, full-text tokens), so both back ends read the same decisions.
public indirect enum SearchQuery: Sendable, Hashable {
    /// The empty query: every event.
    case all
    case term(SearchTerm)
    case not(SearchQuery)
    case and([SearchQuery])
    case or([SearchQuery])

    /// Parses the query language (see `QueryParser`).
    public init(parsing text: String, limits: QueryLimits = .standard) throws(QuerySyntaxError) {
        self = try QueryParser.parse(text, limits: limits)
    }
}

/// One condition on one field of an event.
public struct SearchTerm: Sendable, Hashable {
    public var target: QueryTarget
    public var predicate: QueryPredicate
    /// Where the term starts in the query text (1-based, Unicode scalars).
    public var column: Int

    public init(_ target: QueryTarget, _ predicate: QueryPredicate, column: Int = 1) {
        self.target = target
        self.predicate = predicate
        self.column = column
    }
}

/// What part of an event a term looks at.
public enum QueryTarget: Sendable, Hashable {
    /// The message through its token index: bare words and phrases, `message:`, `msg:`.
    case fullText
    /// Event time (`e.ts`).
    case time
    /// Arrival time (`e.received`).
    case received
    case number(QueryNumberColumn)
    case transport
    /// Unit and system names, resolved to ids through `QueryNameResolver`.
    case unit
    case system
    /// Header values kept only in `event`, not in the exact-value index.
    case textColumn(QueryTextColumn)
    /// An indexed field: `source`, `host`, `app`, `decoder` and every decoded field.
    case field(String)

    /// The target a field name in query text refers to; header aliases are folded to the
    /// name the index uses (`hostname` → `host`, `program` → `app`, …).
    public init(fieldName name: String) {
        switch name {
        case "message", "msg": self = .fullText
        case "time": self = .time
        case "received": self = .received
        case "transport": self = .transport
        case "unit": self = .unit
        case "system": self = .system
        case "hostname": self = .field("host")
        case "program", "app_name": self = .field("app")
        case "source_address": self = .field("source")
        default:
            if let column = QueryNumberColumn(rawValue: name) {
                self = .number(column)
            } else if let column = QueryTextColumn(rawValue: name) {
                self = .textColumn(column)
            } else {
                self = .field(name)
            }
        }
    }

    /// Whether the index holds `<name>#ip` rows for this target (the writer adds them for the
    /// sender address and for every decoded field whose value is an address).
    var hasIPRows: Bool {
        if case .field = self { return true }
        return false
    }
}

/// Integer columns of `event` that take numbers, ranges and comparisons.
public enum QueryNumberColumn: String, Sendable, Hashable, CaseIterable {
    case severity, facility, seq
    case unitID = "unit_id", systemID = "system_id", hostID = "host_id"

    /// `seq` is never NULL; the others are NULL when unknown.
    var isNullable: Bool { self != .seq }
}

/// Text columns of `event` that have no exact-value index rows.
public enum QueryTextColumn: String, Sendable, Hashable, CaseIterable {
    case procid, msgid
}

/// The condition a term puts on its target.
public enum QueryPredicate: Sendable, Hashable {
    /// The field has a value (`_exists_:f`, `f:*`, `[* TO *]`); always true for the message,
    /// times, `seq` and transport, which every event has.
    case exists
    /// Full text: consecutive tokens, the last one a prefix when the word ended in `*`.
    case words(QueryPhrase)
    /// The value is exactly this text (bytes equal).
    case equals(String)
    /// The value matches `*` / `?` wildcards (SQLite GLOB semantics).
    case wildcard(QueryWildcard)
    /// An exact IP address: the value is this text, or is the same address in another spelling.
    case ipAddress(text: String, key: String)
    /// The value is an IP address inside this block or range.
    case ipRange(QueryIPRange)
    /// The value is a number in this range (decoded text values only when they look numeric).
    case numbers(QueryNumberRange)
    /// The value sorts inside this range (byte order).
    case texts(QueryTextRange)
    case times(QueryTimeRange)
    case transports([LogTransport])
    /// A unit or system name pattern handed to the resolver (`*`, `?` wildcards; `\` escapes).
    case names(String)
}
