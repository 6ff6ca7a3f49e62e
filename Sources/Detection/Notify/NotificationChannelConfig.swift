import AnyunCore
import Foundation
import NIOCore

/// One channel as written in anyun.yaml under `notify.channels`:
///
/// ```yaml
/// - type: dingtalk            # webhook | dingtalk | wecom | smtp
///   name: soc-dingtalk
///   url: https://oapi.dingtalk.com/robot/send?access_token=…
///   secret: SEC…              # webhook: HMAC key; dingtalk: 加签 secret
///   min_severity: high        # info | low | medium | high | critical
///   units: [3, 7]             # only these units' alerts; absent = all
///   timeout_seconds: 10
/// - type: smtp
///   name: soc-mail
///   smtp: {host: mail.example.gov.cn, port: 587, username: alerts, password: …,
///          from: alerts@example.gov.cn, to: [soc@example.gov.cn, duty@example.gov.cn]}
/// ```
///
/// `description` hides secrets and passwords, so a config can be logged.
public struct NotificationChannelConfig: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum ChannelType: String, Codable, Sendable, CaseIterable {
        case webhook, dingtalk, wecom, smtp
    }

    public var type: ChannelType
    public var name: String
    public var url: String?
    public var secret: String?
    /// Webhook only: extra request headers (e.g. an API key the receiver wants).
    public var headers: [String: String]?
    /// Webhook only: send `X-Anyun-Timestamp` (default true).
    public var timestampHeader: Bool?
    public var minSeverity: Severity?
    public var units: [Int64]?
    public var timeoutSeconds: Double?
    public var smtp: SMTPSettings?

    enum CodingKeys: String, CodingKey {
        case type, name, url, secret, headers, units, smtp
        case timestampHeader = "timestamp_header", minSeverity = "min_severity", timeoutSeconds = "timeout_seconds"
    }

    public init(type: ChannelType, name: String, url: String? = nil, secret: String? = nil, headers: [String: String]? = nil,
                timestampHeader: Bool? = nil, minSeverity: Severity? = nil, units: [Int64]? = nil,
                timeoutSeconds: Double? = nil, smtp: SMTPSettings? = nil) {
        self.type = type
        self.name = name
        self.url = url
        self.secret = secret
        self.headers = headers
        self.timestampHeader = timestampHeader
        self.minSeverity = minSeverity
        self.units = units
        self.timeoutSeconds = timeoutSeconds
        self.smtp = smtp
    }

    public var description: String {
        var parts = ["type=\(type.rawValue)", "name=\(name)"]
        if let url { parts.append("url=\(URL(string: url).map(HTTPPoster.redacted) ?? "<invalid>")") }
        if secret != nil { parts.append("secret=***") }
        if let headers { parts.append("headers=[\(headers.keys.sorted().joined(separator: ","))]") }
        if let minSeverity { parts.append("min_severity=\(minSeverity.rawValue)") }
        if let units { parts.append("units=\(units)") }
        if let smtp { parts.append("smtp=\(smtp)") }
        return "NotificationChannelConfig(\(parts.joined(separator: " ")))"
    }

    var timeout: TimeInterval { timeoutSeconds ?? 10 }

    /// Builds the channel, or says which field is wrong.
    public func makeChannel() throws -> any NotificationChannel {
        let name = self.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Self.invalid("<unnamed>", "name", "must not be empty") }
        if let timeoutSeconds, !(timeoutSeconds > 0) { throw Self.invalid(name, "timeout_seconds", "must be positive") }
        // A field the channel type would ignore is a mistake to point out, not to drop silently.
        let ignored: [(String, Bool)] = [
            ("secret", secret != nil && (type == .wecom || type == .smtp)),
            ("headers", headers != nil && type != .webhook),
            ("timestamp_header", timestampHeader != nil && type != .webhook),
            ("url", url != nil && type == .smtp),
            ("smtp", smtp != nil && type != .smtp),
        ]
        if let field = ignored.first(where: \.1)?.0 {
            throw Self.invalid(name, field, "does not apply to type \(type.rawValue)")
        }
        switch type {
        case .webhook:
            return WebhookChannel(name: name, url: try httpURL(name), secret: secret, headers: try checkedHeaders(name),
                                  timestampHeader: timestampHeader ?? true, timeout: timeout)
        case .dingtalk:
            return DingTalkChannel(name: name, url: try httpURL(name), secret: secret, timeout: timeout)
        case .wecom:
            return WeComChannel(name: name, url: try httpURL(name), timeout: timeout)
        case .smtp:
            guard let smtp else { throw Self.invalid(name, "smtp", "is required for type smtp") }
            return try smtp.makeChannel(name: name, timeout: timeout)
        }
    }

    /// The channel with its routing rules.
    public func makeRoute() throws -> NotificationRoute {
        NotificationRoute(channel: try makeChannel(), minSeverity: minSeverity ?? .info, units: units.map(Set.init))
    }

    private func httpURL(_ name: String) throws -> URL {
        guard let url, !url.isEmpty else { throw Self.invalid(name, "url", "is required for type \(type.rawValue)") }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              parsed.host?.isEmpty == false else {
            throw Self.invalid(name, "url", "must be an absolute http(s) URL")
        }
        return parsed
    }

    private func checkedHeaders(_ name: String) throws -> [String: String] {
        let headers = self.headers ?? [:]
        for (key, value) in headers {
            let tokenOK = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }
            guard tokenOK, !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw Self.invalid(name, "headers.\(key)", "is not a valid HTTP header")
            }
        }
        return headers
    }

    static func invalid(_ channel: String, _ field: String, _ why: String) -> NotificationError {
        NotificationError(.configuration, "notification channel \(channel): \(field) \(why)", retryable: false)
    }
}

/// The mail relay of an smtp channel.
public struct SMTPSettings: Codable, Sendable, Equatable, CustomStringConvertible {
    public var host: String
    /// Default 587 (submission), or 465 with `implicit_tls`.
    public var port: Int?
    /// Use STARTTLS when the server offers it (default true).
    public var starttls: Bool?
    /// Fail rather than send without TLS (default false).
    public var requireTLS: Bool?
    /// TLS from the first byte, as on port 465 (default false).
    public var implicitTLS: Bool?
    /// PEM file of CAs to trust instead of the system store.
    public var caFile: String?
    /// Certificate verification; only an explicit `verify: false` turns it off.
    public var verify: Bool?
    public var username: String?
    public var password: String?
    /// Allow AUTH without TLS to a relay that is not on this machine (default false).
    public var allowInsecureAuth: Bool?
    public var from: String
    /// The sender's display name (default 安云安全管理中心).
    public var fromName: String?
    public var to: [String]
    public var helo: String?

    enum CodingKeys: String, CodingKey {
        case host, port, starttls, verify, username, password, from, to, helo
        case requireTLS = "require_tls", implicitTLS = "implicit_tls", caFile = "ca_file"
        case allowInsecureAuth = "allow_insecure_auth", fromName = "from_name"
    }

    public init(host: String, port: Int? = nil, starttls: Bool? = nil, requireTLS: Bool? = nil, implicitTLS: Bool? = nil,
                caFile: String? = nil, verify: Bool? = nil, username: String? = nil, password: String? = nil,
                allowInsecureAuth: Bool? = nil, from: String, fromName: String? = nil, to: [String], helo: String? = nil) {
        self.host = host
        self.port = port
        self.starttls = starttls
        self.requireTLS = requireTLS
        self.implicitTLS = implicitTLS
        self.caFile = caFile
        self.verify = verify
        self.username = username
        self.password = password
        self.allowInsecureAuth = allowInsecureAuth
        self.from = from
        self.fromName = fromName
        self.to = to
        self.helo = helo
    }

    public var description: String {
        var parts = ["host=\(host)", "port=\(port.map(String.init) ?? "default")", "from=\(from)", "to=\(to)"]
        if let username { parts.append("username=\(username)") }
        if password != nil { parts.append("password=***") }
        if verify == false { parts.append("verify=false") }
        return "{\(parts.joined(separator: " "))}"
    }

    var security: SMTPClient.Security {
        get throws {
            if implicitTLS == true { return .implicitTLS }
            if starttls == false {
                if requireTLS == true { throw NotificationChannelConfig.invalid("smtp", "require_tls", "needs starttls or implicit_tls") }
                return .none
            }
            return requireTLS == true ? .startTLS : .startTLSIfOffered
        }
    }

    func makeChannel(name: String, timeout: TimeInterval) throws -> SMTPChannel {
        let invalid = { (field: String, why: String) in NotificationChannelConfig.invalid(name, "smtp.\(field)", why) }
        guard !host.isEmpty else { throw invalid("host", "must not be empty") }
        let port = self.port ?? (implicitTLS == true ? 465 : 587)
        guard (1...65535).contains(port) else { throw invalid("port", "must be 1…65535") }
        if let problem = SMTPMessage.validateAddress(from) { throw invalid("from", problem) }
        guard !to.isEmpty else { throw invalid("to", "needs at least one recipient") }
        for address in to {
            if let problem = SMTPMessage.validateAddress(address) { throw invalid("to", problem) }
        }
        if let helo, helo.isEmpty || helo.contains(where: { $0.isWhitespace }) { throw invalid("helo", "must be one word") }
        let security: SMTPClient.Security
        do { security = try self.security } catch { throw invalid("require_tls", "needs starttls or implicit_tls") }
        let configuration = SMTPClient.Configuration(
            host: host, port: port, security: security, trustRootsFile: caFile, verifyCertificate: verify ?? true,
            username: username, password: password, heloName: helo,
            timeout: .nanoseconds(Int64(timeout * 1e9)), allowInsecureAuth: allowInsecureAuth ?? false)
        return SMTPChannel(name: name, client: SMTPClient(configuration), from: from, fromName: fromName ?? "安云安全管理中心", to: to)
    }
}

/// The `notify` section of anyun.yaml: the channels and how hard to try them.
public struct NotificationSettings: Codable, Sendable, Equatable {
    public var channels: [NotificationChannelConfig]
    /// Alerts each channel may have waiting (default 256).
    public var queueCapacity: Int?
    /// Attempts per alert and channel, the first included (default 4).
    public var maxAttempts: Int?
    /// First retry delay, doubling each time (default 2 s), capped by `max_delay_seconds` (60 s).
    public var baseDelaySeconds: Double?
    public var maxDelaySeconds: Double?
    /// ±fraction of random spread on each delay (default 0.2).
    public var jitter: Double?

    enum CodingKeys: String, CodingKey {
        case channels, jitter
        case queueCapacity = "queue_capacity", maxAttempts = "max_attempts", baseDelaySeconds = "base_delay_seconds"
        case maxDelaySeconds = "max_delay_seconds"
    }

    public init(channels: [NotificationChannelConfig], queueCapacity: Int? = nil, maxAttempts: Int? = nil,
                baseDelaySeconds: Double? = nil, maxDelaySeconds: Double? = nil, jitter: Double? = nil) {
        self.channels = channels
        self.queueCapacity = queueCapacity
        self.maxAttempts = maxAttempts
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.jitter = jitter
    }

    public var retryPolicy: RetryPolicy {
        let defaults = RetryPolicy()
        return RetryPolicy(maxAttempts: maxAttempts ?? defaults.maxAttempts,
                           baseDelay: baseDelaySeconds.map { .milliseconds(Int64($0 * 1000)) } ?? defaults.baseDelay,
                           maxDelay: maxDelaySeconds.map { .milliseconds(Int64($0 * 1000)) } ?? defaults.maxDelay,
                           jitter: jitter ?? defaults.jitter)
    }

    /// Every channel's route; throws on the first bad channel or a repeated name.
    public func makeRoutes() throws -> [NotificationRoute] {
        var seen = Set<String>()
        return try channels.map { config in
            let route = try config.makeRoute()
            guard seen.insert(route.channel.name).inserted else {
                throw NotificationChannelConfig.invalid(route.channel.name, "name", "is used by two channels")
            }
            return route
        }
    }
}

extension NotificationDispatcher {
    /// A dispatcher for the `notify` section; throws when a channel is misconfigured.
    public init(settings: NotificationSettings) throws {
        self.init(routes: try settings.makeRoutes(), retry: settings.retryPolicy, queueCapacity: settings.queueCapacity ?? 256)
    }
}
