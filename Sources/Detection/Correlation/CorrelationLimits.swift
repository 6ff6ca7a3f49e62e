/// Bounds on correlation state, so that a flood of distinct sources cannot exhaust memory.
public struct CorrelationLimits: Sendable, Equatable {
    /// Groups (`group-by` value combinations) kept per correlation rule. Beyond it, expired
    /// groups go first, then the least recently active tenth.
    public var maxGroupsPerRule: Int
    /// Event times (or values) kept per group; the oldest go first.
    public var maxEntriesPerGroup: Int

    public init(maxGroupsPerRule: Int = 20_000, maxEntriesPerGroup: Int = 1_000) {
        self.maxGroupsPerRule = max(1, maxGroupsPerRule)
        self.maxEntriesPerGroup = max(1, maxEntriesPerGroup)
    }
}
