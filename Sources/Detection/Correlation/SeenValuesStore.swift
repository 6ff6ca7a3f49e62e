import Synchronization

/// What `new_value` correlations remember: which values each group has shown, and when each rule
/// began learning. A persistent implementation (e.g. over the centre's database) lets a restart
/// keep its memory instead of relearning.
public protocol SeenValuesStore: AnyObject, Sendable {
    /// The event time the rule began learning; the first call for a rule records `time`.
    func learningStart(rule: String, proposed time: Int64) -> Int64
    /// Records `value` for `key` under `rule` at `time`. Returns true when the pair was not known,
    /// or was last seen more than `forgetAfter` microseconds before `time`.
    func remember(rule: String, key: String, value: String, time: Int64, forgetAfter: Int64?) -> Bool
}

/// A bounded in-memory `SeenValuesStore`. Past `capacity` pairs, the least recently seen tenth is
/// forgotten (those pairs would count as new again, a false positive rather than a miss).
public final class InMemorySeenValuesStore: SeenValuesStore {
    private struct Pair: Hashable {
        var rule: String
        var key: String
        var value: String
    }

    private struct State {
        var pairs: [Pair: Int64] = [:]
        var starts: [String: Int64] = [:]
    }

    private let state = Mutex(State())
    public let capacity: Int

    public init(capacity: Int = 200_000) {
        self.capacity = max(1, capacity)
    }

    public func learningStart(rule: String, proposed time: Int64) -> Int64 {
        state.withLock { s in
            if let start = s.starts[rule] { return start }
            s.starts[rule] = time
            return time
        }
    }

    public func remember(rule: String, key: String, value: String, time: Int64, forgetAfter: Int64?) -> Bool {
        let pair = Pair(rule: rule, key: key, value: value)
        let capacity = self.capacity
        return state.withLock { s in
            if let last = s.pairs[pair] {
                s.pairs[pair] = max(last, time)
                if let forgetAfter, time - last > forgetAfter { return true }
                return false
            }
            if s.pairs.count >= capacity {
                let drop = s.pairs.count - capacity + max(1, capacity / 10)
                for (p, _) in s.pairs.sorted(by: { $0.value < $1.value }).prefix(drop) { s.pairs[p] = nil }
            }
            s.pairs[pair] = time
            return true
        }
    }

    /// Pairs currently remembered.
    public var count: Int { state.withLock { $0.pairs.count } }
}
