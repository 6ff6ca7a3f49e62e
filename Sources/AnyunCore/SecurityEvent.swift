import Foundation

public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    public static func < (a: Severity, b: Severity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A clause of GB/T 22239-2019 (e.g. "8.1.4.1" identification and authentication), used to tag
/// what a control or an event evidences.
public struct MLPSClause: RawRepresentable, Codable, Sendable, Hashable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// The one shape every engine reports what it saw in (see DESIGN.md "How data flows").
public struct SecurityEvent: Codable, Sendable, Equatable {
    public var time: Date
    public var unitID: Int64?
    public var systemID: Int64?
    public var hostID: Int64?
    public var category: String
    public var severity: Severity
    public var source: String
    public var ruleID: String?
    public var outcome: String?
    public var message: String
    public var fields: [String: String]
    public var clauses: [MLPSClause]

    public init(time: Date, unitID: Int64? = nil, systemID: Int64? = nil, hostID: Int64? = nil, category: String,
                severity: Severity, source: String, ruleID: String? = nil, outcome: String? = nil, message: String,
                fields: [String: String] = [:], clauses: [MLPSClause] = []) {
        self.time = time
        self.unitID = unitID
        self.systemID = systemID
        self.hostID = hostID
        self.category = category
        self.severity = severity
        self.source = source
        self.ruleID = ruleID
        self.outcome = outcome
        self.message = message
        self.fields = fields
        self.clauses = clauses
    }
}
