import AnyunCore

/// Runs a `RuleSet` over a stream of events: each event passes the log-source gates once, the
/// rules behind the gates it passes, and the correlations fed by the rules that matched.
///
/// A value type owned by one task (the ingest pipeline's detection stage); `process` is
/// synchronous and allocation-light for events no rule cares about.
///
/// Emission follows Sigma: a detection rule referred to by correlations alerts on its own only if
/// one of them says `generate: true`. A correlation rule always alerts, even when another
/// correlation builds on it (e.g. brute force, and success after brute force).
public struct DetectionEngine: Sendable {
    private struct GateGroup: Sendable {
        var gate: LogsourceGate
        var rules: [Int]
    }

    private let gateIndex: GateIndex
    /// Scratch space for `process`: which gates the current event passed.
    private var passed: [Bool]

    private let rules: [SigmaRule]
    private let correlations: [CorrelationRule]
    private let gateGroups: [GateGroup]
    private let emits: [Bool]
    private let detectionConsumers: [[Int]]
    private let correlationConsumers: [[Int]]
    private var trackers: [CorrelationTracker?]
    private let newValues: [NewValueTracker?]
    /// Field names of the detection rules whose events feed correlations, by rule index (summaries).
    private let baseFieldNames: [Int: FieldNames]

    public init(rules set: RuleSet, limits: CorrelationLimits = CorrelationLimits(),
                seenValues: any SeenValuesStore = InMemorySeenValuesStore()) {
        rules = set.rules
        correlations = set.correlations

        var groupIndex: [Int: Int] = [:]
        var groups: [GateGroup] = []
        for (i, r) in set.rules.enumerated() {
            if let g = groupIndex[r.gateIndex] {
                groups[g].rules.append(i)
            } else {
                groupIndex[r.gateIndex] = groups.count
                groups.append(GateGroup(gate: r.gate, rules: [i]))
            }
        }
        gateGroups = groups
        gateIndex = GateIndex(gates: groups.map(\.gate))
        passed = Array(repeating: false, count: groups.count)

        var detConsumers = Array(repeating: [Int](), count: set.rules.count)
        var corConsumers = Array(repeating: [Int](), count: set.correlations.count)
        var generated = Array(repeating: false, count: set.rules.count)
        var referenced = Array(repeating: false, count: set.rules.count)
        for (c, rule) in set.correlations.enumerated() {
            for source in rule.sources {
                switch source {
                case .detection(let i):
                    detConsumers[i].append(c)
                    referenced[i] = true
                    if rule.generate { generated[i] = true }
                case .correlation(let j):
                    corConsumers[j].append(c)
                }
            }
        }
        detectionConsumers = detConsumers
        correlationConsumers = corConsumers
        emits = zip(referenced, generated).map { !$0 || $1 }

        // The detection rules each correlation source ultimately counts events of.
        func bases(_ ref: RuleRef) -> [Int] {
            switch ref {
            case .detection(let i): return [i]
            case .correlation(let j): return Array(Set(set.correlations[j].sources.flatMap(bases))).sorted()
            }
        }
        func name(_ ref: RuleRef) -> String? {
            switch ref {
            case .detection(let i): return set.rules[i].info.name
            case .correlation(let j): return set.correlations[j].info.name
            }
        }
        var trackers: [CorrelationTracker?] = []
        var newValues: [NewValueTracker?] = []
        var fieldNames: [Int: FieldNames] = [:]
        for rule in set.correlations {
            var groupAccessors: [Int: [FieldAccessor]] = [:]
            var valueAccessors: [Int: FieldAccessor] = [:]
            for source in rule.sources {
                for b in bases(source) where groupAccessors[b] == nil {
                    let names = set.rules[b].fieldNames
                    fieldNames[b] = names
                    func field(_ f: String) -> String {
                        if let alias = rule.aliases[f] {
                            if let n = name(source), let mapped = alias[n] { return mapped }
                            if let n = set.rules[b].info.name, let mapped = alias[n] { return mapped }
                        }
                        return f
                    }
                    groupAccessors[b] = rule.groupBy.map { names.accessor(field($0)) }
                    if let v = rule.valueField { valueAccessors[b] = names.accessor(field(v)) }
                }
            }
            if rule.kind == .newValue {
                trackers.append(nil)
                newValues.append(NewValueTracker(ruleID: rule.info.id, groupBy: rule.groupBy, groupAccessors: groupAccessors,
                                                 valueAccessors: valueAccessors, valueField: rule.valueField ?? "value",
                                                 learning: rule.learning, forgetAfter: rule.timespan, store: seenValues))
            } else {
                trackers.append(CorrelationTracker(rule: rule, groupAccessors: groupAccessors,
                                                   valueAccessors: valueAccessors, limits: limits))
                newValues.append(nil)
            }
        }
        self.trackers = trackers
        self.newValues = newValues
        baseFieldNames = fieldNames
    }

    /// The matches the event causes, in rule order (a detection match before the correlations it
    /// feeds).
    public mutating func process(_ event: LogEvent) -> [RuleMatch] {
        var out: [RuleMatch] = []
        gateIndex.evaluate(event, passed: &passed)
        for g in passed.indices where passed[g] {
            passed[g] = false
            for i in gateGroups[g].rules where rules[i].matcher.matches(event) {
                if emits[i] { out.append(detectionMatch(rules[i], event)) }
                for c in detectionConsumers[i] {
                    feed(c, event, base: i, from: .detection(i), into: &out)
                }
            }
        }
        return out
    }

    private mutating func feed(_ c: Int, _ event: LogEvent, base: Int, from source: RuleRef, into out: inout [RuleMatch]) {
        let rule = correlations[c]
        let match: RuleMatch
        if let tracker = newValues[c] {
            guard let r = tracker.ingest(event, baseRule: base) else { return }
            match = correlationMatch(rule, event, base: base, groupKey: r.groupKey, groupValues: r.groupValues,
                                     firing: CorrelationFiring(count: 1, start: event.time, end: event.time))
        } else {
            guard let r = trackers[c]?.ingest(event, baseRule: base, from: source) else { return }
            match = correlationMatch(rule, event, base: base, groupKey: r.groupKey, groupValues: r.groupValues, firing: r.firing)
        }
        out.append(match)
        for d in correlationConsumers[c] {
            feed(d, event, base: base, from: .correlation(c), into: &out)
        }
    }

    private func detectionMatch(_ rule: SigmaRule, _ event: LogEvent) -> RuleMatch {
        let info = rule.info
        let summary = render(info, event, base: rule.fieldNames, groupKey: "", groupValues: [], count: 1, span: nil)
        return RuleMatch(ruleID: info.id, title: info.title, level: info.level, tags: info.tags, category: info.category,
                         groupKey: "", time: event.time, windowStart: event.time, count: 1, unitID: event.unitID,
                         systemID: event.systemID, hostID: event.hostID, hostname: event.hostname, eventSeq: event.seq,
                         summary: summary, correlation: nil)
    }

    private func correlationMatch(_ rule: CorrelationRule, _ event: LogEvent, base: Int, groupKey: String,
                                  groupValues: [(String, String)], firing: CorrelationFiring) -> RuleMatch {
        let info = rule.info
        let summary = render(info, event, base: baseFieldNames[base], groupKey: groupKey, groupValues: groupValues,
                             count: firing.count, span: rule.timespanText)
        return RuleMatch(ruleID: info.id, title: info.title, level: info.level, tags: info.tags, category: info.category,
                         groupKey: groupKey, time: event.time, windowStart: min(firing.start, event.time),
                         count: firing.count, unitID: event.unitID, systemID: event.systemID, hostID: event.hostID,
                         hostname: event.hostname, eventSeq: event.seq, summary: summary, correlation: rule.kind)
    }

    private func render(_ info: RuleInfo, _ event: LogEvent, base: FieldNames?, groupKey: String,
                        groupValues: [(String, String)], count: Int, span: String?) -> String {
        let title = info.titleZh ?? info.title
        guard let template = info.summaryTemplate else {
            var s = title
            var details: [String] = []
            if !groupKey.isEmpty { details.append(groupKey) }
            if count > 1 { details.append("\(count) 次" + (span.map { "/\(Timespan.chinese($0))" } ?? "")) }
            if let host = event.hostname { details.append("主机 \(host)") }
            if !details.isEmpty { s += "（" + details.joined(separator: "，") + "）" }
            return s
        }
        return template.render { name in
            switch name {
            case "count": return String(count)
            case "timespan": return span.map(Timespan.chinese)
            case "group": return groupKey.isEmpty ? nil : groupKey
            case "host": return event.hostname
            case "title": return title
            default:
                if let v = groupValues.first(where: { $0.0 == name })?.1, !v.isEmpty { return v }
                return (base?.accessor(name) ?? FieldAccessor(name: name)).value(in: event)
            }
        }
    }

    /// What the correlation state holds, per rule: for monitoring and to check the memory bounds.
    public struct CorrelationStats: Sendable, Equatable {
        public var ruleID: String
        public var groups: Int
        public var entries: Int
        /// Events that arrived more than one timespan behind the newest and were not counted.
        public var lateDropped: Int
    }

    public var correlationStats: [CorrelationStats] {
        correlations.indices.compactMap { c in
            guard let t = trackers[c] else { return nil }
            return CorrelationStats(ruleID: correlations[c].info.id, groups: t.groupCount, entries: t.entryCount,
                                    lateDropped: t.lateDropped)
        }
    }
}
