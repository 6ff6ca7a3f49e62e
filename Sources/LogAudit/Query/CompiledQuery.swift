import GRDB

/// A search query as SQL for one partition.
///
/// `sql` is a boolean expression over table `event` aliased `e`, meant for
/// `SELECT … FROM event e WHERE <sql>` (the store's `EventFilter.sql`). Every value that came
/// from the user is in `arguments`, in placeholder order; the SQL text itself holds only column
/// names, operators and fixed patterns. An empty query compiles to `1`.
public struct CompiledQuery: Sendable {
    public let sql: String
    public let arguments: StatementArguments
    /// The event times (`e.ts`) the query can match at all, from its `time:` terms: lets the
    /// store skip partitions. Unbounded when the query does not restrict time.
    public let timeBounds: QueryTimeBounds
    /// The same for arrival time (`received:` terms).
    public let receivedBounds: QueryTimeBounds
}

/// An inclusive window of microseconds, either end open (nil); `min > max` means no time can
/// match.
public struct QueryTimeBounds: Sendable, Hashable {
    public var min: Int64?
    public var max: Int64?

    public init(min: Int64? = nil, max: Int64? = nil) {
        self.min = min
        self.max = max
    }

    public static let unbounded = QueryTimeBounds()

    public var isEmpty: Bool {
        guard let min, let max else { return false }
        return min > max
    }

    public func contains(_ time: Int64) -> Bool {
        (min.map { time >= $0 } ?? true) && (max.map { time <= $0 } ?? true)
    }

    func intersection(_ other: QueryTimeBounds) -> QueryTimeBounds {
        QueryTimeBounds(min: Self.pick(min, other.min, Swift.max), max: Self.pick(max, other.max, Swift.min))
    }

    /// The smallest window holding both; an empty side adds nothing, an open end stays open.
    func hull(_ other: QueryTimeBounds) -> QueryTimeBounds {
        if isEmpty { return other }
        if other.isEmpty { return self }
        let low = min.flatMap { a in other.min.map { Swift.min(a, $0) } }
        let high = max.flatMap { a in other.max.map { Swift.max(a, $0) } }
        return QueryTimeBounds(min: low, max: high)
    }

    private static func pick(_ a: Int64?, _ b: Int64?, _ choose: (Int64, Int64) -> Int64) -> Int64? {
        switch (a, b) {
        case (let x?, let y?): return choose(x, y)
        case (let x?, nil): return x
        case (nil, let y?): return y
        case (nil, nil): return nil
        }
    }
}
