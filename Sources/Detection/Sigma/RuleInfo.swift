import AnyunCore

/// What detection and correlation rules share: who they are, how bad a hit is, how to say it.
public struct RuleInfo: Sendable, Equatable {
    public var id: String
    /// The Sigma `name`, by which correlation rules may refer to a rule.
    public var name: String?
    public var title: String
    public var status: String?
    public var description: String?
    public var references: [String]
    public var author: String?
    public var date: String?
    public var modified: String?
    public var tags: [String]
    public var falsepositives: [String]
    public var level: Severity
    /// anyun extension (`anyun: {title_zh, description_zh, summary_zh, category}`).
    public var titleZh: String?
    public var descriptionZh: String?
    /// What kind of threat, from `anyun.category` or derived from the ATT&CK tags.
    public var category: String
    /// The file the rule came from.
    public var origin: String
    var summaryTemplate: SummaryTemplate?

    /// The GB/T 22239 clauses the rule evidences (`mlps.8.1.4.1` tags).
    public var clauses: [MLPSClause] {
        tags.compactMap { tag in tag.hasPrefix("mlps.") ? MLPSClause(rawValue: String(tag.dropFirst(5))) : nil }
    }

    /// How errors name the rule: its title and id.
    var label: String { "'\(title)' (\(id))" }
}

extension Severity {
    /// Sigma's `level` values.
    init?(sigmaLevel: String) {
        switch sigmaLevel.lowercased() {
        case "informational": self = .info
        case "low": self = .low
        case "medium": self = .medium
        case "high": self = .high
        case "critical": self = .critical
        default: return nil
        }
    }
}

/// The alert category of a rule from its tags: the first ATT&CK technique or tactic we know, in
/// the order below (techniques are more specific than tactics).
enum RuleCategory {
    static let table: [(prefix: String, category: String)] = [
        ("attack.t1110", "brute_force"),
        ("attack.t1078", "suspicious_login"),
        ("attack.t1021", "suspicious_login"),
        ("attack.t1548", "privilege_escalation"),
        ("attack.t1136", "account_change"),
        ("attack.t1098", "account_change"),
        ("attack.t1070", "log_tampering"),
        ("attack.t1562", "defense_evasion"),
        ("attack.t1053", "persistence"),
        ("attack.t1547", "persistence"),
        ("attack.t1014", "rootkit"),
        ("attack.t1190", "web_attack"),
        ("attack.t1595", "reconnaissance"),
        ("attack.credential_access", "credential_access"),
        ("attack.privilege_escalation", "privilege_escalation"),
        ("attack.defense_evasion", "defense_evasion"),
        ("attack.persistence", "persistence"),
        ("attack.initial_access", "initial_access"),
        ("attack.lateral_movement", "lateral_movement"),
        ("attack.execution", "execution"),
        ("attack.discovery", "discovery"),
        ("attack.reconnaissance", "reconnaissance"),
        ("attack.impact", "impact"),
    ]

    static func derive(tags: [String]) -> String {
        for (prefix, category) in table where tags.contains(where: { $0.lowercased().hasPrefix(prefix) }) {
            return category
        }
        return "other"
    }
}
