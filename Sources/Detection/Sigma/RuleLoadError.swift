/// A rule that cannot be loaded, said so that its author can fix it: which file, which rule,
/// where, and what is wrong.
public struct RuleLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or other origin) the rule came from.
    public var origin: String
    /// The rule's title and id, when they were read before the problem.
    public var rule: String?
    /// 1-based line in the origin, when known.
    public var line: Int?
    public var problem: String

    public init(origin: String, rule: String? = nil, line: Int? = nil, problem: String) {
        self.origin = origin
        self.rule = rule
        self.line = line
        self.problem = problem
    }

    public var description: String {
        var where_ = origin
        if let line { where_ += ":\(line)" }
        if let rule { return "\(where_): rule \(rule): \(problem)" }
        return "\(where_): \(problem)"
    }
}

/// A rule that was read but is left out, e.g. because nothing maps its log source to our events.
/// Kept so the console and the CLI can list it; such a rule never matches everything instead.
public struct RuleLoadIssue: Sendable, Equatable, CustomStringConvertible {
    public var origin: String
    public var ruleID: String
    public var title: String
    public var problem: String

    public init(origin: String, ruleID: String, title: String, problem: String) {
        self.origin = origin
        self.ruleID = ruleID
        self.title = title
        self.problem = problem
    }

    public var description: String { "\(origin): rule '\(title)' (\(ruleID)) skipped: \(problem)" }
}
