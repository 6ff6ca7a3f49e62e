import Foundation

/// What went wrong while a log line was taken in. The line is stored anyway: these flags say how
/// far to trust its parsed parts.
public struct LogEventFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The syslog header did not parse; `message` holds the raw line.
    public static let parseError = LogEventFlags(rawValue: 1 << 0)
    /// The message was longer than the configured limit and was cut.
    public static let truncated = LogEventFlags(rawValue: 1 << 1)
    /// The bytes were neither valid UTF-8 nor GB18030; invalid sequences were replaced.
    public static let invalidEncoding = LogEventFlags(rawValue: 1 << 2)
    /// The bytes were GBK/GB18030 and were converted to UTF-8.
    public static let convertedFromGBK = LogEventFlags(rawValue: 1 << 3)
    /// NUL bytes were present and were replaced.
    public static let hadNUL = LogEventFlags(rawValue: 1 << 4)
}

/// How a log line reached the centre.
public enum LogTransport: String, Sendable, Codable, CaseIterable {
    case udp, tcp, tls, api
}

/// One log line as the centre keeps it: the syslog header, the message, the fields decoders
/// pulled out of it, and the owner it was attributed to at ingest.
///
/// Times are microseconds since the Unix epoch (UTC): exact, cheap to compare and to store.
public struct LogEvent: Sendable, Equatable {
    /// Position in its partition (arrival order, 1-based); 0 until stored.
    public var seq: Int64
    public var time: Int64
    public var received: Int64
    public var transport: LogTransport
    /// The sender's IP address as seen by the socket (or the API client).
    public var sourceAddress: String?
    public var facility: Int?
    /// Syslog severity, 0 (emergency) … 7 (debug).
    public var severity: Int?
    public var hostname: String?
    public var app: String?
    public var procID: String?
    public var msgID: String?
    public var message: String
    /// Normalized fields (`src_ip`, `user`, `action`, `outcome`, …) and RFC 5424 structured data
    /// (`sd.<id>.<param>`).
    public var fields: [String: String]
    /// Name of the decoder that produced `fields`, nil when none matched.
    public var decoder: String?
    public var flags: LogEventFlags
    public var unitID: Int64?
    public var systemID: Int64?
    public var hostID: Int64?

    public init(seq: Int64 = 0, time: Int64, received: Int64, transport: LogTransport, sourceAddress: String? = nil,
                facility: Int? = nil, severity: Int? = nil, hostname: String? = nil, app: String? = nil,
                procID: String? = nil, msgID: String? = nil, message: String, fields: [String: String] = [:],
                decoder: String? = nil, flags: LogEventFlags = [], unitID: Int64? = nil, systemID: Int64? = nil,
                hostID: Int64? = nil) {
        self.seq = seq
        self.time = time
        self.received = received
        self.transport = transport
        self.sourceAddress = sourceAddress
        self.facility = facility
        self.severity = severity
        self.hostname = hostname
        self.app = app
        self.procID = procID
        self.msgID = msgID
        self.message = message
        self.fields = fields
        self.decoder = decoder
        self.flags = flags
        self.unitID = unitID
        self.systemID = systemID
        self.hostID = hostID
    }

    /// The value of a field by the name users and rules give it: the header's own names first
    /// (`host`, `app`, `message`, …), then decoded fields.
    public func value(of field: String) -> String? {
        switch field {
        case "host", "hostname": return hostname
        case "app", "program", "app_name": return app
        case "procid", "pid": return procID ?? fields[field]
        case "msgid": return msgID
        case "message", "msg": return message
        case "source", "source_address": return sourceAddress
        case "severity": return severity.map(String.init)
        case "facility": return facility.map(String.init)
        case "transport": return transport.rawValue
        case "decoder": return decoder
        case "unit_id": return unitID.map(String.init)
        case "system_id": return systemID.map(String.init)
        case "host_id": return hostID.map(String.init)
        default: return fields[field]
        }
    }
}

public extension LogEvent {
    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ microseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
}
