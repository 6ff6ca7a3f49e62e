import AnyunCore
import Foundation

/// From what a person typed to what the store runs: parse the query, compile it for the
/// partition schema, and narrow the time window by the query's own `time:` terms.
public enum LogSearch {
    public static func filter(query: String, from: Int64, to: Int64, units: UnitFilter,
                              names: any QueryNameResolver, now: Int64 = LogEvent.microseconds(Date())) throws -> EventFilter {
        let parsed = try SearchQuery(parsing: query)
        let compiled = try QueryCompiler.compile(parsed, context: QueryContext(now: now, resolver: names))
        let bounds = compiled.timeBounds
        return EventFilter(sql: compiled.sql == "1" ? nil : compiled.sql, arguments: compiled.arguments,
                           from: max(from, bounds.min ?? from), to: min(to, bounds.max ?? to), units: units)
    }
}
