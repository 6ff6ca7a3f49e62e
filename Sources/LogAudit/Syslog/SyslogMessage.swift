import AnyunCore

/// One syslog line as the parser understood it: the header parts, the structured data and the
/// free-text message, plus flags that say how far each part can be trusted.
///
/// Nothing of the input is ever dropped: what did not parse stays, verbatim, in `msg`
/// (and `flags` carries `.parseError`).
public struct SyslogMessage: Sendable, Hashable {
    /// Which grammar produced the parts.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// RFC 5424 (`<PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`).
        case rfc5424
        /// RFC 3164 / BSD syslog and the many variants devices send.
        case rfc3164
        /// Neither a PRI nor a timestamp was found: `msg` is the whole line, `.parseError` is set.
        case unparsed
    }

    public var format: Format
    /// 0 (kern) … 23 (local7); nil only for `.unparsed`.
    public var facility: Int?
    /// 0 (emergency) … 7 (debug); nil only for `.unparsed`.
    public var severity: Int?
    /// RFC 5424 VERSION; nil for the other formats.
    public var version: Int?
    /// Microseconds since the Unix epoch (UTC); nil when the line carried none (or `-`).
    public var timestamp: Int64?
    /// Offset from UTC, in seconds, the timestamp was written in (or the default zone's offset
    /// when it carried none). Lets a console show the sender's wall-clock time.
    public var timestampUTCOffset: Int?
    /// True when the timestamp carried no zone and the parser's default zone was assumed.
    public var timestampZoneless: Bool
    public var hostname: String?
    public var appName: String?
    public var procID: String?
    public var msgID: String?
    /// RFC 5424 STRUCTURED-DATA in the order it was sent; values are unescaped.
    public var structuredData: [SDElement]
    public var msg: String
    public var flags: LogEventFlags

    /// `facility * 8 + severity`.
    public var priority: Int? {
        guard let facility, let severity else { return nil }
        return facility * 8 + severity
    }

    public init(format: Format, facility: Int? = nil, severity: Int? = nil, version: Int? = nil,
                timestamp: Int64? = nil, timestampUTCOffset: Int? = nil, timestampZoneless: Bool = false,
                hostname: String? = nil, appName: String? = nil, procID: String? = nil, msgID: String? = nil,
                structuredData: [SDElement] = [], msg: String, flags: LogEventFlags = []) {
        self.format = format
        self.facility = facility
        self.severity = severity
        self.version = version
        self.timestamp = timestamp
        self.timestampUTCOffset = timestampUTCOffset
        self.timestampZoneless = timestampZoneless
        self.hostname = hostname
        self.appName = appName
        self.procID = procID
        self.msgID = msgID
        self.structuredData = structuredData
        self.msg = msg
        self.flags = flags
    }
}

/// One RFC 5424 SD-ELEMENT: `[id name="value" …]`.
public struct SDElement: Sendable, Hashable {
    public var id: String
    /// In the order sent; a name may repeat (RFC 5424 allows it, e.g. several `origin ip=`).
    public var params: [SDParam]

    public init(id: String, params: [SDParam] = []) {
        self.id = id
        self.params = params
    }

    /// The first value of a parameter.
    public subscript(name: String) -> String? {
        params.first { $0.name == name }?.value
    }
}

/// One SD-PARAM; `value` is unescaped (RFC 5424 §6.3.3: `\"`, `\\`, `\]`).
public struct SDParam: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
