import AnyunCore
import Foundation

/// From what a person typed to what the store runs: parse the query and narrow the time window by the query's own `time:` terms.
public enum LogSearch {
    public static func filter(query: String, from: Int64, to: Int64, units: UnitFilter,
                              names: any QueryNameResolver, now: Int64 = LogEvent.microseconds(Date())) throws -> EventFilter {
        let parsed = try SearchQuery(parsing: query)
        let context = QueryContext(now: now, resolver: names)
        _ = try IndexQuery(parsed, context: context)
        let bounds = QueryTimeBounds.of(parsed, target: .time, now: now)
        return EventFilter(query: parsed, context: context,
                           from: max(from, bounds.min ?? from), to: min(to, bounds.max ?? to), units: units)
    }
}
