import GRDB

/// Inserts one event's rows: the event itself, its exact-value index rows and its full-text row.
struct PartitionRowWriter {
    private let event: RawStatement
    private let field: RawStatement
    private let text: RawStatement
    private let db: Database

    init(_ db: Database) throws {
        self.db = db
        event = RawStatement(try db.cachedStatement(sql: """
            INSERT INTO event (seq, ts, received, transport, source, facility, severity, host, app, procid, msgid,
                               message, fields, decoder, flags, unit_id, system_id, host_id, mac)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        field = RawStatement(try db.cachedStatement(sql: "INSERT OR IGNORE INTO event_field (name, value, seq) VALUES (?, ?, ?)"))
        text = RawStatement(try db.cachedStatement(sql: "INSERT INTO event_fts (rowid, message) VALUES (?, ?)"))
    }

    func insert(_ r: EventRecord, fields: [String: String], mac: [UInt8]) throws {
        event.bind(1, r.seq)
        event.bind(2, r.ts)
        event.bind(3, r.received)
        event.bind(4, r.transport)
        event.bind(5, r.source)
        event.bind(6, r.facility)
        event.bind(7, r.severity)
        event.bind(8, r.host)
        event.bind(9, r.app)
        event.bind(10, r.procid)
        event.bind(11, r.msgid)
        event.bind(12, r.message)
        event.bind(13, r.fields)
        event.bind(14, r.decoder)
        event.bind(15, r.flags)
        event.bind(16, r.unitID)
        event.bind(17, r.systemID)
        event.bind(18, r.hostID)
        event.bind(19, blob: mac)
        try event.step(db)

        if let source = r.source {
            try index("source", source, seq: r.seq)
            if let key = IPKey.hex(source) { try index("source#ip", key, seq: r.seq) }
        }
        if let host = r.host { try index("host", host, seq: r.seq) }
        if let app = r.app { try index("app", app, seq: r.seq) }
        if let decoder = r.decoder { try index("decoder", decoder, seq: r.seq) }
        for (name, value) in fields {
            try index(name, value, seq: r.seq)
            if let key = IPKey.hex(value) { try index(name + "#ip", key, seq: r.seq) }
        }

        text.bind(1, r.seq)
        text.bind(2, r.message)
        try text.step(db)
    }

    /// Values longer than this are kept in the event but not indexed: exact search on a 4 KB
    /// value is never what anyone types, and it would bloat the index.
    static let maxIndexedValueBytes = QueryIndexedValues.maxValueBytes

    private func index(_ name: String, _ value: String, seq: Int64) throws {
        guard !value.isEmpty, value.utf8.count <= Self.maxIndexedValueBytes else { return }
        field.bind(1, name)
        field.bind(2, value)
        field.bind(3, seq)
        try field.step(db)
    }
}
