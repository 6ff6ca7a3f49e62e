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

    /// Each column in schema order: a tag byte (0 absent, 1 integer, 2 text), then for integers a
    /// zigzag varint, for text a varint length and the UTF-8 bytes. Unambiguous, so no two
    /// records share an encoding; it is both what the chain hashes and what a block stores.
    var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + message.utf8.count + fields.utf8.count)
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

    init?(canonical bytes: [UInt8]) {
        guard let record = bytes.withUnsafeBytes({ EventRecord(canonical: $0) }) else { return nil }
        self = record
    }

    /// Reads back what `canonicalBytes` wrote; nil when the bytes are not a whole record.
    init?(canonical bytes: UnsafeRawBufferPointer) {
        var reader = ByteReader(bytes)
        do throws(ByteReader.Malformed) {
            func int() throws(ByteReader.Malformed) -> Int64? {
                switch try reader.byte() {
                case 0: return nil
                case 1: return try reader.signed()
                default: throw ByteReader.Malformed()
                }
            }
            func text() throws(ByteReader.Malformed) -> String? {
                switch try reader.byte() {
                case 0: return nil
                case 2:
                    let count = try reader.varint()
                    guard count <= UInt64(Int32.max) else { throw ByteReader.Malformed() }
                    return String(decoding: try reader.take(Int(count)), as: UTF8.self)
                default: throw ByteReader.Malformed()
                }
            }
            func required<T>(_ value: T?) throws(ByteReader.Malformed) -> T {
                guard let value else { throw ByteReader.Malformed() }
                return value
            }
            let seq = try required(int()), ts = try required(int()), received = try required(int())
            let transport = try required(int())
            let source = try text(), facility = try int(), severity = try int()
            let host = try text(), app = try text(), procid = try text(), msgid = try text()
            let message = try required(text()), fields = try required(text()), decoder = try text()
            let flags = try required(int())
            let unitID = try int(), systemID = try int(), hostID = try int()
            guard reader.isAtEnd else { return nil }
            self.init(seq: seq, ts: ts, received: received, transport: transport, source: source, facility: facility,
                      severity: severity, host: host, app: app, procid: procid, msgid: msgid, message: message,
                      fields: fields, decoder: decoder, flags: flags, unitID: unitID, systemID: systemID, hostID: hostID)
        } catch {
            return nil
        }
    }

    private static func put(_ value: Int64?, into out: inout [UInt8]) {
        guard let value else { out.append(0); return }
        out.append(1)
        Varint.put(signed: value, into: &out)
    }

    private static func put(_ value: String?, into out: inout [UInt8]) {
        guard var value else { out.append(0); return }
        out.append(2)
        Varint.put(UInt64(value.utf8.count), into: &out)
        value.withUTF8 { out.append(contentsOf: $0) }
    }
}
