import Foundation

/// A WeCom group robot (企业微信群机器人); the robot's key is part of `url`. WeCom refuses
/// markdown content over 4096 bytes, so longer text is cut at a character boundary and marked.
public struct WeComChannel: NotificationChannel {
    public static let maxContentBytes = 4096

    public let name: String
    public let url: URL
    private let poster: HTTPPoster

    public init(name: String, url: URL, timeout: TimeInterval = 10) {
        self.name = name
        self.url = url
        self.poster = HTTPPoster(channel: name, timeout: timeout)
    }

    public func deliver(_ notification: AlertNotification) async throws {
        let body = try JSONEncoder().encode(Message(markdown: .init(content: Self.content(for: notification))))
        let response = try await poster.post(url, body: body)
        // 45009: 接口调用超过限制 — the robot takes 20 messages a minute.
        try RobotReply.check(response.body, channel: name, robot: "WeCom robot", rateLimitCodes: [45009])
    }

    static func content(for notification: AlertNotification) -> String {
        UTF8Truncation.truncate(notification.markdown, maxBytes: maxContentBytes)
    }

    struct Message: Encodable {
        var msgtype = "markdown"
        var markdown: Markdown
        struct Markdown: Encodable {
            var content: String
        }
    }
}
