import AnyunCore

/// An event in the form it is stored and chained: every column as the partition holds it.
///
/// The chain is computed over `canonicalBytes`, built from these stored values only, so a
/// verifier reading the rows back recomputes exactly what the writer chained.
struct EventRecord: Sendable, Equatable {
    var seq: Int64
    var ts: Int64
    var received: Int64
    var transport: Int64
    var source: String?
    var facility: Int64?
    var severity: Int64?
    var host: String?
    var app: String?
    var procid: String?
    var msgid: String?
    var message: String
    /// The decoded fields as a JSON object with sorted keys.
    var fields: String
    var decoder: String?
    var flags: Int64
    var unitID: Int64?
    var systemID: Int64?
    var hostID: Int64?

    init(_ event: LogEvent, seq: Int64) {
        self.seq = seq
        ts = event.time
        received = event.received
        transport = Int64(LogTransport.allCases.firstIndex(of: event.transport) ?? 0)
        source = event.sourceAddress
        facility = event.facility.map(Int64.init)
        severity = event.severity.map(Int64.init)
        host = event.hostname
        app = event.app
        procid = event.procID
        msgid = event.msgID
        message = event.message
        fields = FieldsJSON.encode(event.fields)
        decoder = event.decoder
        flags = Int64(event.flags.rawValue)
        unitID = event.unitID
        systemID = event.systemID
        hostID = event.hostID
    }

    init(seq: Int64, ts: Int64, received: Int64, transport: Int64, source: String?, facility: Int64?,
         severity: Int64?, host: String?, app: String?, procid: String?, msgid: String?, message: String,
         fields: String, decoder: String?, flags: Int64, unitID: Int64?, systemID: Int64?, hostID: Int64?) {
        self.seq = seq
        self.ts = ts
        self.received = received
        self.transport = transport
        self.source = source
        self.facility = facility
        self.severity = severity
        self.host = host
        self.app = app
        self.procid = procid
        self.msgid = msgid
        self.message = message
        self.fields = fields
        self.decoder = decoder
        self.flags = flags
        self.unitID = unitID
        self.systemID = systemID
        self.hostID = hostID
    }

    var event: LogEvent {
        LogEvent(seq: seq, time: ts, received: received,
                 transport: LogTransport.allCases.indices.contains(Int(transport)) ? LogTransport.allCases[Int(transport)] : .api,
                 sourceAddress: source, facility: facility.map(Int.init), severity: severity.map(Int.init),
                 hostname: host, app: app, procID: procid, msgID: msgid, message: message,
                 fields: FieldsJSON.decode(fields), decoder: decoder, flags: LogEventFlags(rawValue: Int(flags)),
                 unitID: unitID, systemID: systemID, hostID: hostID)
    }

    /// Each column in schema order: a type byte, then for text a 4-byte length and the UTF-8
    /// bytes, for integers 8 bytes big-endian. Unambiguous, so no two rows share an encoding.
    var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + message.utf8.count + fields.utf8.count)
        for value in [seq, ts, received, transport] { Self.put(value, into: &out) }
        Self.put(source, into: &out)
        Self.put(facility, into: &out)
        Self.put(severity, into: &out)
        for text in [host, app, procid, msgid] { Self.put(text, into: &out) }
        Self.put(message, into: &out)
        Self.put(fields, into: &out)
        Self.put(decoder, into: &out)
        Self.put(flags, into: &out)
        for id in [unitID, systemID, hostID] { Self.put(id, into: &out) }
        return out
    }

    private static func put(_ value: Int64?, into out: inout [UInt8]) {
        guard let value else { out.append(0); return }
        out.append(1)
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    private static func put(_ value: String?, into out: inout [UInt8]) {
        guard let value else { out.append(0); return }
        out.append(2)
        let count = UInt32(truncatingIfNeeded: value.utf8.count)
        withUnsafeBytes(of: count.bigEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: value.utf8)
    }
}
