import AnyunCore
import GRDB

/// Compiles a `SearchQuery` to SQL over one partition (see `PartitionSchema` and `CompiledQuery`).
///
/// - full text → `e.seq IN (SELECT rowid FROM event_fts WHERE event_fts MATCH ?)`; the words of
///   one AND/OR group (with AND NOT) become one FTS5 expression, built only from quoted strings;
/// - `time`, `received`, `severity`, `facility`, `seq`, `*_id`, `transport` → the column;
/// - `unit:`/`system:` → `e.unit_id IN (…)` with ids from the resolver (none: `0`);
/// - `procid`, `msgid` → the column;
/// - every other field → `e.seq IN (SELECT seq FROM event_field WHERE (name = ? AND …))`: exact
///   value, an index range for `adm*` (plus GLOB for other wildcards), `CAST(value AS REAL)` for
///   numeric ranges over values that look like numbers, and the `<name>#ip` rows' key range for
///   addresses and CIDR blocks.
/// Every condition is two-valued (never NULL), so NOT means exactly "the other events".
public enum QueryCompiler {
    public static func compile(_ query: SearchQuery, context: QueryContext) throws -> CompiledQuery {
        var builder = Builder(context: context)
        let sql = try builder.expression(query)
        return CompiledQuery(sql: sql, arguments: StatementArguments(builder.values),
                             timeBounds: bounds(query, of: .time, now: context.now),
                             receivedBounds: bounds(query, of: .received, now: context.now))
    }

    static func bounds(_ query: SearchQuery, of target: QueryTarget, now: Int64) -> QueryTimeBounds {
        switch query {
        case .all, .not:
            return .unbounded
        case .term(let term):
            guard term.target == target, case .times(let range) = term.predicate else { return .unbounded }
            let (low, high) = range.interval(now: now)
            return QueryTimeBounds(min: low, max: high.map { $0 - 1 })
        case .and(let items):
            return items.reduce(QueryTimeBounds.unbounded) { $0.intersection(bounds($1, of: target, now: now)) }
        case .or(let items):
            guard let first = items.first else { return .unbounded }
            return items.dropFirst().reduce(bounds(first, of: target, now: now)) { $0.hull(bounds($1, of: target, now: now)) }
        }
    }

    /// `-?[0-9]+(\.[0-9]+)?` in GLOB terms (the same test as `QueryText.looksNumeric`).
    static func numericGuard(_ x: String) -> String {
        "(\(x) GLOB '[0-9]*' OR \(x) GLOB '-[0-9]*') AND \(x) GLOB '*[0-9]' AND \(x) NOT GLOB '?*[^0-9.]*' AND \(x) NOT GLOB '*.*.*'"
    }

    /// The FTS5 expression of a query made only of full-text words under AND, OR and AND NOT,
    /// or nil. FTS5's NOT is binary, so a NOT needs a positive sibling.
    static func ftsExpression(_ query: SearchQuery) -> String? {
        switch query {
        case .term(let term):
            guard term.target == .fullText, case .words(let phrase) = term.predicate else { return nil }
            return phrase.ftsExpression
        case .and(let items):
            var positive: [String] = [], negative: [String] = []
            for item in items {
                if case .not(let inner) = item, let expression = ftsExpression(inner) {
                    negative.append(expression)
                } else if let expression = ftsExpression(item) {
                    positive.append(expression)
                } else {
                    return nil
                }
            }
            guard !positive.isEmpty else { return nil }
            return combine(positive, negative)
        case .or(let items):
            let parts = items.map(ftsExpression)
            guard parts.allSatisfy({ $0 != nil }) else { return nil }
            return "(" + parts.map { $0! }.joined(separator: " OR ") + ")"
        case .all, .not:
            return nil
        }
    }

    static func combine(_ positive: [String], _ negative: [String]) -> String {
        var expression = positive.count == 1 ? positive[0] : "(" + positive.joined(separator: " AND ") + ")"
        for excluded in negative { expression = "(\(expression) NOT \(excluded))" }
        return expression
    }

    private struct Builder {
        let context: QueryContext
        var values: [DatabaseValue] = []

        mutating func bind(_ value: some DatabaseValueConvertible) -> String {
            values.append(value.databaseValue)
            return "?"
        }

        mutating func expression(_ query: SearchQuery) throws -> String {
            switch query {
            case .all:
                return "1"
            case .term(let term):
                return try self.term(term)
            case .not(let inner):
                return "NOT (\(try expression(inner)))"
            case .or(let items):
                if let fts = QueryCompiler.ftsExpression(query) { return match(fts) }
                var parts: [String] = []
                for item in items { parts.append(try expression(item)) }
                return "(" + parts.joined(separator: " OR ") + ")"
            case .and(let items):
                return try conjunction(items)
            }
        }

        /// AND, with its full-text members answered by one FTS5 query.
        mutating func conjunction(_ items: [SearchQuery]) throws -> String {
            var positive: [String] = [], negative: [String] = []
            var merged = Set<Int>()
            for (index, item) in items.enumerated() {
                if let expression = QueryCompiler.ftsExpression(item) {
                    positive.append(expression)
                    merged.insert(index)
                }
            }
            if !positive.isEmpty {
                for (index, item) in items.enumerated() where !merged.contains(index) {
                    if case .not(let inner) = item, let expression = QueryCompiler.ftsExpression(inner) {
                        negative.append(expression)
                        merged.insert(index)
                    }
                }
            }
            var parts: [String] = []
            if !positive.isEmpty { parts.append(match(QueryCompiler.combine(positive, negative))) }
            for (index, item) in items.enumerated() where !merged.contains(index) {
                parts.append(try expression(item))
            }
            return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " AND ") + ")"
        }

        mutating func match(_ fts: String) -> String {
            "e.seq IN (SELECT rowid FROM event_fts WHERE event_fts MATCH \(bind(fts)))"
        }

        mutating func term(_ term: SearchTerm) throws -> String {
            switch (term.target, term.predicate) {
            case (.fullText, .words(let phrase)):
                return match(phrase.ftsExpression)
            case (.fullText, .exists), (.time, .exists), (.received, .exists), (.transport, .exists), (.number(.seq), .exists):
                return "1"
            case (.time, .times(let range)):
                return time("e.ts", range)
            case (.received, .times(let range)):
                return time("e.received", range)
            case (.number(let column), .exists):
                return "e.\(column.rawValue) IS NOT NULL"
            case (.number(let column), .numbers(let range)):
                return number("e.\(column.rawValue)", nullable: column.isNullable, range)
            case (.transport, .transports(let transports)):
                let codes = Set(transports.compactMap { context.transportCodes[$0] }).sorted()
                guard !codes.isEmpty else { return "0" }
                return "e.transport IN (\(codes.map { bind($0) }.joined(separator: ", ")))"
            case (.unit, .exists):
                return "e.unit_id IS NOT NULL"
            case (.system, .exists):
                return "e.system_id IS NOT NULL"
            case (.unit, .names(let name)):
                return ids("e.unit_id", context.resolver.unitIDs(matching: name))
            case (.system, .names(let name)):
                return ids("e.system_id", context.resolver.systemIDs(matching: name))
            case (.textColumn(let column), .exists):
                return "e.\(column.rawValue) IS NOT NULL"
            case (.textColumn(let column), let predicate):
                let x = "e.\(column.rawValue)"
                return "(\(x) IS NOT NULL AND \(try value(x, predicate)))"
            case (.field(let name), .exists):
                return "e.seq IN (SELECT seq FROM event_field WHERE (name = \(bind(name))))"
            case (.field(let name), .ipAddress(let text, let key)):
                // One index lookup, not an OR of two: SQLite cannot use the full key for an OR
                // inside a bucket and would read the bucket's whole index.
                if QueryIndexedValues.textOnlyNames.contains(name) {
                    return "e.seq IN (SELECT seq FROM event_field WHERE (name = \(bind(name)) AND value = \(bind(text))))"
                }
                return "e.seq IN (SELECT seq FROM event_field WHERE (name = \(bind(name + "#ip")) AND value = \(bind(key))))"
            case (.field(let name), .ipRange(let range)):
                return "e.seq IN (SELECT seq FROM event_field WHERE (name = \(bind(name + "#ip"))"
                    + " AND value BETWEEN \(bind(range.low)) AND \(bind(range.high))))"
            case (.field(let name), let predicate):
                let nameSQL = bind(name)
                return "e.seq IN (SELECT seq FROM event_field WHERE (name = \(nameSQL) AND \(try value("value", predicate))))"
            default:
                throw QueryCompileError("\(term.target) cannot take \(term.predicate)")
            }
        }

        /// A condition on one text value `x` (never NULL where it is used).
        mutating func value(_ x: String, _ predicate: QueryPredicate) throws -> String {
            switch predicate {
            case .equals(let text):
                return "\(x) = \(bind(text))"
            case .wildcard(let pattern):
                var conditions: [String] = []
                let prefix = pattern.literalPrefix
                if !prefix.isEmpty {
                    conditions.append("\(x) >= \(bind(prefix))")
                    if let next = QueryWildcard.successor(of: prefix) { conditions.append("\(x) < \(bind(next))") }
                }
                if !pattern.isPrefixOnly { conditions.append("\(x) GLOB \(bind(pattern.glob))") }
                return conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
            case .numbers(let range):
                var conditions = ["(\(QueryCompiler.numericGuard(x)))"]
                if let lower = range.lower {
                    conditions.append("CAST(\(x) AS REAL) \(lower.inclusive ? ">=" : ">") \(bind(lower.value))")
                }
                if let upper = range.upper {
                    conditions.append("CAST(\(x) AS REAL) \(upper.inclusive ? "<=" : "<") \(bind(upper.value))")
                }
                return conditions.joined(separator: " AND ")
            case .texts(let range):
                var conditions: [String] = []
                if let lower = range.lower { conditions.append("\(x) \(lower.inclusive ? ">=" : ">") \(bind(lower.value))") }
                if let upper = range.upper { conditions.append("\(x) \(upper.inclusive ? "<=" : "<") \(bind(upper.value))") }
                return conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
            case .ipAddress(let text, _):
                return "\(x) = \(bind(text))" // a column without address rows: compare the text
            default:
                throw QueryCompileError("a text value cannot take \(predicate)")
            }
        }

        mutating func time(_ column: String, _ range: QueryTimeRange) -> String {
            let (low, high) = range.interval(now: context.now)
            var conditions: [String] = []
            if let low { conditions.append("\(column) >= \(bind(low))") }
            if let high { conditions.append("\(column) < \(bind(high))") }
            return conditions.isEmpty ? "1" : "(" + conditions.joined(separator: " AND ") + ")"
        }

        mutating func number(_ column: String, nullable: Bool, _ range: QueryNumberRange) -> String {
            var conditions: [String] = nullable ? ["\(column) IS NOT NULL"] : []
            if let lower = range.lower, let upper = range.upper, lower.inclusive, upper.inclusive, lower.value == upper.value {
                conditions.append("\(column) = \(bindNumber(lower.value))")
            } else {
                if let lower = range.lower { conditions.append("\(column) \(lower.inclusive ? ">=" : ">") \(bindNumber(lower.value))") }
                if let upper = range.upper { conditions.append("\(column) \(upper.inclusive ? "<=" : "<") \(bindNumber(upper.value))") }
            }
            return conditions.isEmpty ? "1" : "(" + conditions.joined(separator: " AND ") + ")"
        }

        /// Whole numbers bind as integers, so integer columns compare exactly.
        mutating func bindNumber(_ value: Double) -> String {
            if value == value.rounded(), abs(value) < 9.0e15 { return bind(Int64(value)) }
            return bind(value)
        }

        mutating func ids(_ column: String, _ ids: [Int64]) -> String {
            let unique = Set(ids).sorted()
            guard !unique.isEmpty else { return "0" }
            return "(\(column) IS NOT NULL AND \(column) IN (\(unique.map { bind($0) }.joined(separator: ", "))))"
        }
    }
}
