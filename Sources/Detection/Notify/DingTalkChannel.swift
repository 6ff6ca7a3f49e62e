import Crypto
import Foundation

/// A DingTalk custom robot (钉钉自定义机器人). The access token is part of `url`; with the robot's
/// "加签" security enabled, `secret` adds `timestamp` and `sign` to every request as DingTalk
/// specifies: sign = urlencode(base64(HMAC-SHA256(secret, "<ms>\n<secret>"))).
public struct DingTalkChannel: NotificationChannel {
    public let name: String
    public let url: URL
    private let secret: String?
    private let poster: HTTPPoster

    public init(name: String, url: URL, secret: String? = nil, timeout: TimeInterval = 10) {
        self.name = name
        self.url = url
        self.secret = secret.flatMap { $0.isEmpty ? nil : $0 }
        self.poster = HTTPPoster(channel: name, timeout: timeout)
    }

    public func deliver(_ notification: AlertNotification) async throws {
        let body = try JSONEncoder().encode(
            Message(markdown: .init(title: notification.title, text: notification.markdown)))
        let target = try signedURL(timestampMS: Int64(Date().timeIntervalSince1970 * 1000))
        let response = try await poster.post(target, body: body)
        // 130101: 发送速度太快而限流 — the robot takes 20 messages a minute.
        try RobotReply.check(response.body, channel: name, robot: "DingTalk robot", rateLimitCodes: [130101])
    }

    /// The robot URL with `&timestamp=…&sign=…` appended when the robot is signed.
    func signedURL(timestampMS: Int64) throws -> URL {
        guard let secret else { return url }
        let sign = Self.sign(timestampMS: timestampMS, secret: secret)
        // Percent-encode everything outside the unreserved set: base64's + / = must not survive.
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = sign.addingPercentEncoding(withAllowedCharacters: unreserved) ?? sign
        let separator = url.query == nil ? "?" : "&"
        guard let signed = URL(string: url.absoluteString + "\(separator)timestamp=\(timestampMS)&sign=\(encoded)") else {
            throw NotificationError(.configuration, "\(name): cannot append the signature to the robot URL", retryable: false)
        }
        return signed
    }

    /// base64(HMAC-SHA256(key: secret, message: "<ms>\n<secret>")), before URL encoding.
    static func sign(timestampMS: Int64, secret: String) -> String {
        let message = Data("\(timestampMS)\n\(secret)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    struct Message: Encodable {
        var msgtype = "markdown"
        var markdown: Markdown
        struct Markdown: Encodable {
            var title: String
            var text: String
        }
    }
}
