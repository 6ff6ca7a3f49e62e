import Foundation

/// An alert as JSON for machines: the API answers with it and webhooks deliver it, under the
/// same snake_case keys, times in RFC 3339 (UTC, milliseconds); absent ids are written as null so
/// receivers see a fixed shape.
public struct AlertDocument: Encodable, Sendable {
    public let alert: Alert

    public init(_ alert: Alert) { self.alert = alert }

    enum CodingKeys: String, CodingKey {
        case id, title, severity, category, state, count, summary, tags
        case ruleID = "rule_id", groupKey = "group_key", firstSeen = "first_seen", lastSeen = "last_seen"
        case unitID = "unit_id", systemID = "system_id", hostID = "host_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alert.id, forKey: .id)
        try c.encode(alert.ruleID, forKey: .ruleID)
        try c.encode(alert.title, forKey: .title)
        try c.encode(alert.severity.rawValue, forKey: .severity)
        try c.encode(alert.category, forKey: .category)
        try c.encode(alert.groupKey, forKey: .groupKey)
        try c.encode(alert.state.rawValue, forKey: .state)
        try c.encode(Self.iso8601(alert.firstSeen), forKey: .firstSeen)
        try c.encode(Self.iso8601(alert.lastSeen), forKey: .lastSeen)
        try c.encode(alert.count, forKey: .count)
        try c.encode(alert.unitID, forKey: .unitID)
        try c.encode(alert.systemID, forKey: .systemID)
        try c.encode(alert.hostID, forKey: .hostID)
        try c.encode(alert.summary, forKey: .summary)
        try c.encode(alert.tags, forKey: .tags)
    }

    /// RFC 3339 in UTC with milliseconds, the form every JSON consumer parses.
    public static func iso8601(_ microseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(microseconds) / 1_000_000))
    }
}
