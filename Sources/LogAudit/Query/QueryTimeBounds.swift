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

    /// The times (`time`) or arrival times (`received`) a query can match at all, from its
    /// time terms: lets the store skip partitions and buckets.
    public static func of(_ query: SearchQuery, target: QueryTarget, now: Int64) -> QueryTimeBounds {
        switch query {
        case .all, .not:
            return .unbounded
        case .term(let term):
            guard term.target == target, case .times(let range) = term.predicate else { return .unbounded }
            let (low, high) = range.interval(now: now)
            return QueryTimeBounds(min: low, max: high.map { $0 - 1 })
        case .and(let items):
            return items.reduce(QueryTimeBounds.unbounded) { $0.intersection(of($1, target: target, now: now)) }
        case .or(let items):
            guard let first = items.first else { return .unbounded }
            return items.dropFirst().reduce(of(first, target: target, now: now)) { $0.hull(of($1, target: target, now: now)) }
        }
    }

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
