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

/// The webhook body: the alert as the API shows it (`AlertDocument`), plus microsecond times, the
/// unit's name, the console link, the rendered Chinese text and when it was sent.
struct WebhookPayload: Encodable {
    var notification: AlertNotification
    var sentAt: Int64

    init(_ notification: AlertNotification, sentAt: Int64) {
        self.notification = notification
        self.sentAt = sentAt
    }

    enum CodingKeys: String, CodingKey {
        case link, headline, text
        case firstSeenUS = "first_seen_us", lastSeenUS = "last_seen_us", unitName = "unit_name", sentAt = "sent_at"
    }

    func encode(to encoder: any Encoder) throws {
        try AlertDocument(notification.alert).encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(notification.alert.firstSeen, forKey: .firstSeenUS)
        try c.encode(notification.alert.lastSeen, forKey: .lastSeenUS)
        try c.encode(notification.unitName, forKey: .unitName)
        try c.encode(notification.link, forKey: .link)
        try c.encode(notification.title, forKey: .headline)
        try c.encode(notification.plainText, forKey: .text)
        try c.encode(sentAt, forKey: .sentAt)
    }
}
