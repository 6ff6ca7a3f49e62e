import AnyunCore

extension SyslogMessage {
    /// The message as the centre stores it.
    ///
    /// `time` is the sender's timestamp, or the receive time when the line had none. Structured
    /// data becomes fields named `sd.<SD-ID>.<PARAM-NAME>`; a name that repeats (RFC 5424 lets
    /// `origin` list several `ip`s) keeps all its values, in order, joined by `,`.
    public func logEvent(received: Int64, transport: LogTransport, sourceAddress: String?) -> LogEvent {
        var fields: [String: String] = [:]
        for element in structuredData {
            for param in element.params {
                let key = "sd." + element.id + "." + param.name
                if let earlier = fields[key] {
                    fields[key] = earlier + "," + param.value
                } else {
                    fields[key] = param.value
                }
            }
        }
        return LogEvent(
            time: timestamp ?? received, received: received, transport: transport, sourceAddress: sourceAddress,
            facility: facility, severity: severity, hostname: hostname, app: appName, procID: procID, msgID: msgID,
            message: msg, fields: fields, flags: flags)
    }
}
