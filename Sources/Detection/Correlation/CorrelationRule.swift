/// A Sigma correlation rule (Sigma 2): it counts or relates the matches of other rules over event
/// time. Supported types: `event_count`, `value_count`, `temporal`, `temporal_ordered`, and one
/// anyun extension, `new_value` (a value never seen before for its group, e.g. a login to an
/// account from a source address it has never used):
///
/// ```yaml
/// correlation:
///   type: new_value
///   rules: [ssh_login_success]
///   group-by: [user]      # the account (optional: without it, values are new globally)
///   new: src_ip           # the value that must be new for the group
///   learning: 7d          # optional: record silently for this long after the first event
///   timespan: 90d         # optional: forget a pair not seen for this long
/// ```
public struct CorrelationRule: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case eventCount = "event_count"
        case valueCount = "value_count"
        case temporal
        case temporalOrdered = "temporal_ordered"
        case newValue = "new_value"
    }

    public var info: RuleInfo
    public var kind: Kind
    /// The `rules` as written: ids or names of detection or correlation rules.
    public var ruleReferences: [String]
    public var groupBy: [String]
    /// Microseconds; for `new_value`, how long a seen pair is remembered (nil: until evicted).
    public var timespan: Int64?
    /// The timespan as written (`60s`), for summaries.
    public var timespanText: String?
    public var condition: CountCondition?
    /// `value_count`: the field whose distinct values are counted; `new_value`: the field that
    /// must hold a new value.
    public var valueField: String?
    /// `aliases`: alias name → (rule name → field name).
    public var aliases: [String: [String: String]]
    /// Whether the referred detection rules also alert on their own.
    public var generate: Bool
    /// `new_value` learning period in microseconds.
    public var learning: Int64

    /// The referenced rules once resolved, in `ruleReferences` order.
    var sources: [RuleRef] = []
}

/// A rule of a `RuleSet`, by position.
enum RuleRef: Hashable, Sendable {
    case detection(Int)
    case correlation(Int)
}
