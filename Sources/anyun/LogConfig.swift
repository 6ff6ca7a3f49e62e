import AnyunCore
import Detection
import Foundation
import LogAudit

/// The `syslog`, `logs` and `alerts` sections of anyun.yaml.
struct SyslogConfig: Decodable, Equatable {
    var udp: [String]?
    var tcp: [String]?
    var tls: [String]?
    var tlsCertificate: String?
    var tlsPrivateKey: String?
    var tlsClientCA: String?
    var maxMessageBytes: Int?
    var maxConnections: Int?
    var idleTimeoutSeconds: Int?
    /// Syslog forwarders whose messages' host names are believed for attribution.
    var relays: [String]?

    enum CodingKeys: String, CodingKey {
        case udp, tcp, tls, relays
        case tlsCertificate = "tls_certificate", tlsPrivateKey = "tls_private_key", tlsClientCA = "tls_client_ca"
        case maxMessageBytes = "max_message_bytes", maxConnections = "max_connections"
        case idleTimeoutSeconds = "idle_timeout_seconds"
    }

    func listenerConfiguration(udpFlags: [String], tcpFlags: [String], tlsFlags: [String]) throws -> SyslogListenerConfiguration {
        var c = SyslogListenerConfiguration()
        c.udp = try Self.addresses(udpFlags.isEmpty ? udp ?? [] : udpFlags, "syslog.udp / --syslog-udp")
        c.tcp = try Self.addresses(tcpFlags.isEmpty ? tcp ?? [] : tcpFlags, "syslog.tcp / --syslog-tcp")
        c.tls = try Self.addresses(tlsFlags.isEmpty ? tls ?? [] : tlsFlags, "syslog.tls / --syslog-tls")
        c.tlsCertificate = tlsCertificate
        c.tlsPrivateKey = tlsPrivateKey
        c.tlsClientCA = tlsClientCA
        if let n = maxMessageBytes {
            guard (480...16 * 1024 * 1024).contains(n) else { throw ConfigError("syslog.max_message_bytes must be 480–16777216, got \(n)") }
            c.maxMessageBytes = n
        }
        if let n = maxConnections {
            guard (1...100_000).contains(n) else { throw ConfigError("syslog.max_connections must be 1–100000, got \(n)") }
            c.maxConnections = n
        }
        if let n = idleTimeoutSeconds {
            guard (5...86_400).contains(n) else { throw ConfigError("syslog.idle_timeout_seconds must be 5–86400, got \(n)") }
            c.idleTimeoutSeconds = Int64(n)
        }
        if !c.tls.isEmpty, tlsCertificate == nil || tlsPrivateKey == nil {
            throw ConfigError("syslog.tls needs syslog.tls_certificate and syslog.tls_private_key")
        }
        return c
    }

    func relayBlocks() throws -> [CIDR] {
        try (relays ?? []).map { text in
            guard let block = CIDR(text) else { throw ConfigError("syslog.relays: not an address or CIDR block: \(text)") }
            return block
        }
    }

    static func addresses(_ texts: [String], _ key: String) throws -> [SocketAddressSpec] {
        try texts.map { text in
            guard let spec = SocketAddressSpec(text) else { throw ConfigError("\(key): expected HOST:PORT, got \(text)") }
            return spec
        }
    }
}

struct LogsConfig: Decodable, Equatable {
    var retentionDays: Int?
    /// Longer retention for some units (by unit id); never below the 180-day minimum.
    var unitRetentionDays: [String: Int]?
    var archiveDir: String?
    var decodersDir: String?
    var rulesDir: String?
    var silentHostMinutes: Int?

    enum CodingKeys: String, CodingKey {
        case retentionDays = "retention_days", unitRetentionDays = "unit_retention_days", archiveDir = "archive_dir"
        case decodersDir = "decoders_dir", rulesDir = "rules_dir", silentHostMinutes = "silent_host_minutes"
    }

    /// Days a partition is kept: the longest retention any unit needs, since a day's partition
    /// holds every unit's events and is dropped whole.
    func effectiveRetentionDays() throws -> Int {
        let base = retentionDays ?? LogRetention.minimumDays
        guard base >= LogRetention.minimumDays else {
            throw ConfigError("logs.retention_days must be at least \(LogRetention.minimumDays) (Cybersecurity Law art. 21), got \(base)")
        }
        var longest = base
        for (unit, days) in unitRetentionDays ?? [:] {
            guard days >= LogRetention.minimumDays else {
                throw ConfigError("logs.unit_retention_days.\(unit) must be at least \(LogRetention.minimumDays), got \(days)")
            }
            longest = max(longest, days)
        }
        return longest
    }
}

struct AlertsConfig: Decodable, Equatable {
    var dedupMinutes: Int?

    enum CodingKeys: String, CodingKey {
        case dedupMinutes = "dedup_minutes"
    }
}
