import Crypto
import Foundation

/// POSTs the alert as JSON with English keys to any HTTP receiver (a SOAR, a ticket system, a
/// chat bridge). With a shared secret the receiver can check the body came from anyun:
/// `X-Anyun-Signature: sha256=<hex HMAC-SHA256(secret, body)>`. The body carries `sent_at`, the
/// same value as `X-Anyun-Timestamp`, so the signature also covers the time and a receiver can
/// refuse replays.
public struct WebhookChannel: NotificationChannel {
    public static let signatureHeader = "X-Anyun-Signature"
    public static let timestampHeader = "X-Anyun-Timestamp"

    public let name: String
    public let url: URL
    private let secret: String?
    private let headers: [String: String]
    private let sendsTimestamp: Bool
    private let poster: HTTPPoster

    public init(name: String, url: URL, secret: String? = nil, headers: [String: String] = [:],
                timestampHeader: Bool = true, timeout: TimeInterval = 10) {
        self.name = name
        self.url = url
        self.secret = secret.flatMap { $0.isEmpty ? nil : $0 }
        self.headers = headers
        self.sendsTimestamp = timestampHeader
        self.poster = HTTPPoster(channel: name, timeout: timeout)
    }

    public func deliver(_ notification: AlertNotification) async throws {
        let sentAt = Int64(Date().timeIntervalSince1970)
        let body = try Self.body(for: notification, sentAt: sentAt)
        var headers = self.headers
        if sendsTimestamp { headers[Self.timestampHeader] = String(sentAt) }
        if let secret { headers[Self.signatureHeader] = "sha256=" + Self.signature(body: body, secret: secret) }
        _ = try await poster.post(url, body: body, headers: headers)
    }

    /// Lower-case hex HMAC-SHA256 of the body under the shared secret.
    static func signature(body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func body(for notification: AlertNotification, sentAt: Int64) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(WebhookPayload(notification, sentAt: sentAt))
    }
}

/// The webhook body: the alert's fields under stable English keys, plus the rendered Chinese text.
struct WebhookPayload: Encodable {
    var id: Int64
    var ruleID: String
    var title: String
    var severity: String
    var category: String
    var groupKey: String
    var state: String
    var firstSeen: String
    var lastSeen: String
    var firstSeenUS: Int64
    var lastSeenUS: Int64
    var count: Int
    var unitID: Int64?
    var unitName: String?
    var systemID: Int64?
    var hostID: Int64?
    var summary: String
    var tags: [String]
    var link: String?
    var headline: String
    var text: String
    var sentAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, title, severity, category, state, count, summary, tags, link, headline, text
        case ruleID = "rule_id", groupKey = "group_key", firstSeen = "first_seen", lastSeen = "last_seen"
        case firstSeenUS = "first_seen_us", lastSeenUS = "last_seen_us", unitID = "unit_id", unitName = "unit_name"
        case systemID = "system_id", hostID = "host_id", sentAt = "sent_at"
    }

    init(_ n: AlertNotification, sentAt: Int64) {
        let a = n.alert
        id = a.id
        ruleID = a.ruleID
        title = a.title
        severity = a.severity.rawValue
        category = a.category
        groupKey = a.groupKey
        state = a.state.rawValue
        firstSeen = Self.iso8601(a.firstSeen)
        lastSeen = Self.iso8601(a.lastSeen)
        firstSeenUS = a.firstSeen
        lastSeenUS = a.lastSeen
        count = a.count
        unitID = a.unitID
        unitName = n.unitName
        systemID = a.systemID
        hostID = a.hostID
        summary = a.summary
        tags = a.tags
        link = n.link
        headline = n.title
        text = n.plainText
        self.sentAt = sentAt
    }

    /// RFC 3339 in UTC with milliseconds, the form every JSON consumer parses.
    static func iso8601(_ microseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(microseconds) / 1_000_000))
    }

    // Optional keys are written as null rather than left out, so receivers see a fixed shape.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ruleID, forKey: .ruleID)
        try c.encode(title, forKey: .title)
        try c.encode(severity, forKey: .severity)
        try c.encode(category, forKey: .category)
        try c.encode(groupKey, forKey: .groupKey)
        try c.encode(state, forKey: .state)
        try c.encode(firstSeen, forKey: .firstSeen)
        try c.encode(lastSeen, forKey: .lastSeen)
        try c.encode(firstSeenUS, forKey: .firstSeenUS)
        try c.encode(lastSeenUS, forKey: .lastSeenUS)
        try c.encode(count, forKey: .count)
        try c.encode(unitID, forKey: .unitID)
        try c.encode(unitName, forKey: .unitName)
        try c.encode(systemID, forKey: .systemID)
        try c.encode(hostID, forKey: .hostID)
        try c.encode(summary, forKey: .summary)
        try c.encode(tags, forKey: .tags)
        try c.encode(link, forKey: .link)
        try c.encode(headline, forKey: .headline)
        try c.encode(text, forKey: .text)
        try c.encode(sentAt, forKey: .sentAt)
    }
}
