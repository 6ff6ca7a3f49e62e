import AnyunCore

/// The sliding-window state of one counting or temporal correlation rule.
///
/// Time is event time. An event may arrive late by up to one timespan behind the newest event the
/// rule has seen (the watermark) and still count exactly where it belongs; older ones are dropped
/// and counted in `lateDropped`. State older than two timespans behind the watermark can no longer
/// be part of a window with an acceptable event, and is evicted.
struct CorrelationTracker: Sendable {
    let kind: CorrelationRule.Kind
    let span: Int64
    let condition: CountCondition
    let groupBy: [String]
    /// Group-by accessors by the detection rule whose event is being counted.
    let groupAccessors: [Int: [FieldAccessor]]
    /// `value_count` field accessors, likewise.
    let valueAccessors: [Int: FieldAccessor]
    /// For temporal rules: the slot of each directly referenced rule.
    let slotOf: [RuleRef: Int]
    let limits: CorrelationLimits

    private(set) var groups: [String: CorrelationGroup] = [:]
    private(set) var watermark: Int64 = .min
    private var lastSweep: Int64 = .min
    private(set) var lateDropped = 0

    init(rule: CorrelationRule, groupAccessors: [Int: [FieldAccessor]], valueAccessors: [Int: FieldAccessor],
         limits: CorrelationLimits) {
        kind = rule.kind
        span = rule.timespan ?? 0
        condition = rule.condition ?? CountCondition(gte: rule.sources.count)
        groupBy = rule.groupBy
        self.groupAccessors = groupAccessors
        self.valueAccessors = valueAccessors
        var slots: [RuleRef: Int] = [:]
        for (i, s) in rule.sources.enumerated() { slots[s] = i }
        slotOf = slots
        self.limits = limits
    }

    struct Result {
        var firing: CorrelationFiring
        var groupKey: String
        var groupValues: [(String, String)]
    }

    mutating func ingest(_ event: LogEvent, baseRule: Int, from source: RuleRef) -> Result? {
        let t = event.time
        if watermark != .min, t < watermark - span {
            lateDropped += 1
            return nil
        }
        watermark = max(watermark, t)
        let horizon = watermark == .min ? Int64.min : watermark - 2 * span
        if lastSweep == .min || watermark - lastSweep >= span {
            sweep(horizon)
            lastSweep = watermark
        }

        var value: String?
        if kind == .valueCount {
            guard let v = valueAccessors[baseRule]?.value(in: event) else { return nil }
            value = v
        }
        let accessors = groupAccessors[baseRule] ?? []
        var groupValues: [(String, String)] = []
        groupValues.reserveCapacity(groupBy.count)
        for (i, name) in groupBy.enumerated() {
            groupValues.append((name, i < accessors.count ? accessors[i].value(in: event) ?? "" : ""))
        }
        let key = groupValues.map { "\($0.0)=\($0.1)" }.joined(separator: ",")

        if groups[key] == nil {
            if groups.count >= limits.maxGroupsPerRule { makeRoom(horizon) }
            groups[key] = CorrelationGroup(newest: t, slots: kind == .temporal || kind == .temporalOrdered ? slotOf.count : 0)
        }
        let cap = limits.maxEntriesPerGroup
        guard let i = groups.index(forKey: key) else { return nil }
        // Mutate in place through the dictionary's storage, without copying the group out.
        groups.values[i].newest = max(groups.values[i].newest, t)
        groups.values[i].prune(before: horizon)
        let firing: CorrelationFiring?
        switch kind {
        case .eventCount:
            firing = groups.values[i].eventCount(t, span: span, condition: condition, cap: cap)
        case .valueCount:
            firing = groups.values[i].valueCount(t, value: value!, span: span, condition: condition, cap: cap)
        case .temporal, .temporalOrdered:
            guard let slot = slotOf[source] else { return nil }
            firing = groups.values[i].temporal(t, slot: slot, span: span, condition: condition,
                                               ordered: kind == .temporalOrdered, cap: cap)
        case .newValue:
            firing = nil
        }
        guard let firing else { return nil }
        return Result(firing: firing, groupKey: key, groupValues: groupValues)
    }

    /// Removes groups with nothing left that a future window could use.
    private mutating func sweep(_ horizon: Int64) {
        guard horizon != .min else { return }
        groups = groups.filter { $0.value.newest >= horizon }
    }

    /// At the group limit: expired groups first, then the least recently active tenth.
    private mutating func makeRoom(_ horizon: Int64) {
        sweep(horizon)
        guard groups.count >= limits.maxGroupsPerRule else { return }
        let excess = groups.count - limits.maxGroupsPerRule + max(1, limits.maxGroupsPerRule / 10)
        let oldest = groups.sorted { $0.value.newest < $1.value.newest || ($0.value.newest == $1.value.newest && $0.key < $1.key) }
            .prefix(excess).map(\.key)
        for k in oldest { groups[k] = nil }
    }

    var groupCount: Int { groups.count }
    var entryCount: Int { groups.values.reduce(0) { $0 + $1.entries } }
}
