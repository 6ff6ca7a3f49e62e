import AnyunCore

/// One hit of a rule: a detection rule matching an event, or a correlation rule firing. Carries
/// what the alerting side needs to open or fold an `Alert`.
public struct RuleMatch: Sendable, Equatable {
    public var ruleID: String
    public var title: String
    public var level: Severity
    public var tags: [String]
    public var category: String
    /// "src_ip=10.1.2.3" from the correlation's `group-by` ("a=1,b=2" for several); empty for
    /// detection rules.
    public var groupKey: String
    /// Microseconds since the Unix epoch: the time of the event that triggered the match.
    public var time: Int64
    /// Start of the correlation window (equal to `time` for detection rules).
    public var windowStart: Int64
    /// Events (event_count), distinct values (value_count) or rules (temporal) in the window; 1 for
    /// detection and new_value matches.
    public var count: Int
    public var unitID: Int64?
    public var systemID: Int64?
    public var hostID: Int64?
    public var hostname: String?
    /// Stored position of the triggering event (0 if it was not stored yet).
    public var eventSeq: Int64
    /// Chinese first: the rule's `summary_zh` filled in, or its Chinese title and the group.
    public var summary: String
    /// The correlation type, nil for a detection rule.
    public var correlation: CorrelationRule.Kind?

    /// GB/T 22239 clauses from the rule's `mlps.*` tags.
    public var clauses: [MLPSClause] {
        tags.compactMap { $0.hasPrefix("mlps.") ? MLPSClause(rawValue: String($0.dropFirst(5))) : nil }
    }

    /// A new alert for this match (the alerting side folds repeats by rule and group key).
    public func alert() -> Alert {
        Alert(ruleID: ruleID, title: title, severity: level, category: category, groupKey: groupKey,
              firstSeen: windowStart, lastSeen: time, count: 1, unitID: unitID, systemID: systemID, hostID: hostID,
              summary: summary, tags: tags)
    }

    /// The match as the one event shape every engine reports in.
    public func securityEvent() -> SecurityEvent {
        var fields: [String: String] = ["group_key": groupKey, "count": String(count)]
        if let hostname { fields["host"] = hostname }
        if eventSeq != 0 { fields["event_seq"] = String(eventSeq) }
        return SecurityEvent(time: LogEvent.date(time), unitID: unitID, systemID: systemID, hostID: hostID,
                             category: category, severity: level, source: "detection", ruleID: ruleID,
                             message: summary, fields: fields, clauses: clauses)
    }
}
