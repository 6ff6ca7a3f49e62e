import AnyunCore

/// A detection about to become an alert: what the rule engine found, before deduplication.
public struct AlertCandidate: Sendable, Equatable {
    public var ruleID: String
    public var title: String
    public var severity: Severity
    public var category: String
    public var groupKey: String
    public var time: Int64
    public var unitID: Int64?
    public var systemID: Int64?
    public var hostID: Int64?
    public var summary: String
    public var tags: [String]

    public init(ruleID: String, title: String, severity: Severity, category: String, groupKey: String, time: Int64,
                unitID: Int64?, systemID: Int64?, hostID: Int64?, summary: String, tags: [String]) {
        self.ruleID = ruleID
        self.title = title
        self.severity = severity
        self.category = category
        self.groupKey = groupKey
        self.time = time
        self.unitID = unitID
        self.systemID = systemID
        self.hostID = hostID
        self.summary = summary
        self.tags = tags
    }
}

/// What happened to a candidate.
public enum AlertOutcome: Sendable, Equatable {
    /// A new alert: notify.
    case raised(Alert)
    /// Folded into an open alert of the same rule and key inside the deduplication window.
    case deduplicated(Alert)
    /// Matched an operator's suppression: counted, not alerted.
    case suppressed(ruleID: String, groupKey: String)
}

public struct AlertQuery: Sendable, Equatable {
    public var state: AlertState?
    public var minSeverity: Severity?
    public var ruleID: String?
    public var units: UnitFilter

    public init(state: AlertState? = nil, minSeverity: Severity? = nil, ruleID: String? = nil, units: UnitFilter) {
        self.state = state
        self.minSeverity = minSeverity
        self.ruleID = ruleID
        self.units = units
    }
}

/// An operator's decision that matches of a rule (and key pattern) are expected for a while.
public struct AlertSuppression: Sendable, Equatable, Codable {
    public var id: Int64
    public var ruleID: String
    /// A glob over the grouping key (`src_ip=10.9.*`); `*` for every key.
    public var groupKeyPattern: String
    public var unitID: Int64?
    public var until: Int64
    public var reason: String
    public var createdBy: String

    public init(id: Int64 = 0, ruleID: String, groupKeyPattern: String, unitID: Int64?, until: Int64, reason: String, createdBy: String) {
        self.id = id
        self.ruleID = ruleID
        self.groupKeyPattern = groupKeyPattern
        self.unitID = unitID
        self.until = until
        self.reason = reason
        self.createdBy = createdBy
    }
}

public enum AlertStoreError: Error, Equatable, CustomStringConvertible {
    case notFound(Int64)
    case invalidTransition(from: AlertState, to: AlertState)

    public var description: String {
        switch self {
        case .notFound(let id): "alert \(id) does not exist or is not visible to you"
        case .invalidTransition(let from, let to): "an alert cannot go from \(from.rawValue) to \(to.rawValue)"
        }
    }
}

/// Alerts with their state, deduplication and suppressions.
public protocol AlertStore: Sendable {
    func record(_ candidate: AlertCandidate, dedupWindowMicroseconds: Int64) async throws -> AlertOutcome
    func alerts(_ query: AlertQuery, page: PageRequest) async throws -> Page<Alert>
    func alert(id: Int64, units: UnitFilter) async throws -> Alert
    func transition(id: Int64, to state: AlertState, by user: String, note: String, units: UnitFilter, at time: Int64) async throws -> Alert
    /// Who moved the alert between states, when and why, oldest first.
    func history(id: Int64, units: UnitFilter) async throws -> [AlertTransition]
    func suppress(_ suppression: AlertSuppression) async throws -> AlertSuppression
    func suppressions(activeAt time: Int64) async throws -> [AlertSuppression]
    func countsBySeverity(units: UnitFilter, since: Int64) async throws -> [Severity: Int]
}

/// What the situational-awareness page shows of the alerts of a period.
public struct AlertSummary: Sendable, Equatable {
    public var total = 0
    public var open = 0
    public var bySeverity: [Severity: Int] = [:]
    public var byCategory: [String: Int] = [:]
    /// Systems with the most alerts, most first.
    public var topSystems: [(systemID: Int64, count: Int)] = []
    /// Grouping keys (mostly attacking sources) with the most alerts, most first.
    public var topKeys: [(key: String, count: Int)] = []
    /// Alerts per bucket start (microseconds), oldest first.
    public var histogram: [(start: Int64, count: Int)] = []

    public init() {}

    public static func == (a: AlertSummary, b: AlertSummary) -> Bool {
        a.total == b.total && a.open == b.open && a.bySeverity == b.bySeverity && a.byCategory == b.byCategory
            && a.topSystems.map(\.systemID) == b.topSystems.map(\.systemID) && a.topSystems.map(\.count) == b.topSystems.map(\.count)
            && a.topKeys.map(\.key) == b.topKeys.map(\.key) && a.topKeys.map(\.count) == b.topKeys.map(\.count)
            && a.histogram.map(\.start) == b.histogram.map(\.start) && a.histogram.map(\.count) == b.histogram.map(\.count)
    }
}

public protocol AlertSummarizing: Sendable {
    /// Alerts last seen in `since...until`, for the scope, bucketed by `bucketMicroseconds`.
    func summary(units: UnitFilter, since: Int64, until: Int64, bucketMicroseconds: Int64, top: Int) async throws -> AlertSummary
}

/// One change of an alert's state, as `alert_history` records it.
public struct AlertTransition: Sendable, Codable, Equatable {
    public var at: Int64
    public var user: String
    public var from: AlertState
    public var to: AlertState
    public var note: String
}
