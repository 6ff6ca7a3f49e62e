import AnyunCore
import Center
import Detection
import Foundation
import Yams

/// `anyun.yaml`. Every field is optional; command-line flags override the file.
struct ServerConfig: Decodable, Equatable {
    var data: String?
    var listen: String?
    var logLevel: String?
    var secureCookies: Bool?
    var trustedProxies: [String]?
    var auth: AuthConfig?
    var syslog: SyslogConfig?
    var logs: LogsConfig?
    var alerts: AlertsConfig?
    var notify: NotificationSettings?

    struct AuthConfig: Decodable, Equatable {
        var idleTimeoutMinutes: Int?
        var lockoutThreshold: Int?
        var lockoutMinutes: Int?
        var passwordMinLength: Int?

        enum CodingKeys: String, CodingKey {
            case idleTimeoutMinutes = "idle_timeout_minutes"
            case lockoutThreshold = "lockout_threshold"
            case lockoutMinutes = "lockout_minutes"
            case passwordMinLength = "password_min_length"
        }
    }

    enum CodingKeys: String, CodingKey {
        case data, listen, auth, syslog, logs, alerts, notify
        case logLevel = "log_level"
        case secureCookies = "secure_cookies"
        case trustedProxies = "trusted_proxies"
    }

    static func load(_ path: String) throws -> ServerConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError("cannot read config file \(path)")
        }
        do {
            return try YAMLDecoder().decode(ServerConfig.self, from: text)
        } catch {
            throw ConfigError("\(path): \(error)")
        }
    }

    func proxies() throws -> [CIDR] {
        try (trustedProxies ?? []).map { text in
            guard let block = CIDR(text) else { throw ConfigError("trusted_proxies: not an address or CIDR block: \(text)") }
            return block
        }
    }

    /// Applies the file's auth section over the defaults, refusing values that would weaken MLPS controls.
    func settings() throws -> CenterSettings {
        var s = CenterSettings()
        if let m = auth?.idleTimeoutMinutes {
            guard (1...60).contains(m) else { throw ConfigError("auth.idle_timeout_minutes must be 1–60, got \(m)") }
            s.auth.idleTimeout = TimeInterval(m * 60)
        }
        if let n = auth?.lockoutThreshold {
            guard (3...10).contains(n) else { throw ConfigError("auth.lockout_threshold must be 3–10, got \(n)") }
            s.auth.lockoutThreshold = n
        }
        if let m = auth?.lockoutMinutes {
            guard (1...1440).contains(m) else { throw ConfigError("auth.lockout_minutes must be 1–1440, got \(m)") }
            s.auth.lockoutDuration = TimeInterval(m * 60)
        }
        if let n = auth?.passwordMinLength {
            guard (8...64).contains(n) else { throw ConfigError("auth.password_min_length must be 8–64, got \(n)") }
            s.passwordPolicy.minLength = n
        }
        return s
    }
}

struct ConfigError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// `host:port`, `[v6]:port` or `:port`.
struct ListenAddress: Equatable {
    var host: String
    var port: Int

    init(_ text: String) throws {
        var host = "127.0.0.1"
        var portText = text
        if text.hasPrefix("[") , let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(after: close)...]).trimmingCharacters(in: CharacterSet(charactersIn: ":"))
        } else if let colon = text.lastIndex(of: ":") {
            if colon != text.startIndex { host = String(text[..<colon]) }
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ConfigError("--listen: expected HOST:PORT, got \(text)")
        }
        self.host = host
        self.port = port
    }
}
