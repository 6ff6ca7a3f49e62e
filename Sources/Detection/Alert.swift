import AnyunCore

/// Where an alert is in the security team's hands.
public enum AlertState: String, Sendable, Codable, CaseIterable {
    case new, acknowledged, resolved
}

/// A detection the security team must look at. Repeats of the same rule and grouping key inside
/// the deduplication window fold into one alert (`count` grows, `lastSeen` moves).
public struct Alert: Sendable, Codable, Equatable {
    public var id: Int64
    public var ruleID: String
    public var title: String
    public var severity: Severity
    /// What kind of threat (e.g. "brute_force", "privilege_escalation"), from the rule's tags.
    public var category: String
    /// The values the rule grouped by, e.g. "src_ip=10.1.2.3"; empty for ungrouped rules.
    public var groupKey: String
    public var state: AlertState
    /// Microseconds since the Unix epoch.
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var count: Int
    public var unitID: Int64?
    public var systemID: Int64?
    public var hostID: Int64?
    /// One line a person reads first, in Chinese where the rule gives a Chinese title.
    public var summary: String
    /// Sigma tags (attack.t1110, mlps.8.1.4.1, …).
    public var tags: [String]

    public init(id: Int64 = 0, ruleID: String, title: String, severity: Severity, category: String,
                groupKey: String, state: AlertState = .new, firstSeen: Int64, lastSeen: Int64, count: Int = 1,
                unitID: Int64? = nil, systemID: Int64? = nil, hostID: Int64? = nil, summary: String,
                tags: [String] = []) {
        self.id = id
        self.ruleID = ruleID
        self.title = title
        self.severity = severity
        self.category = category
        self.groupKey = groupKey
        self.state = state
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.unitID = unitID
        self.systemID = systemID
        self.hostID = hostID
        self.summary = summary
        self.tags = tags
    }
}
