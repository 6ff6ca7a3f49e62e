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
        field = RawStatement(try db.cachedStatement(sql: "INSERT OR IGNORE INTO event_field (bucket, name, value, seq) VALUES (?, ?, ?, ?)"))
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

        let bucket = PartitionSchema.bucket(of: r.seq)
        if let source = r.source {
            try index(bucket, "source", source, seq: r.seq)
            if let key = IPKey.hex(source) { try index(bucket, "source#ip", key, seq: r.seq) }
        }
        if let host = r.host { try index(bucket, "host", host, seq: r.seq) }
        if let app = r.app { try index(bucket, "app", app, seq: r.seq) }
        if let decoder = r.decoder { try index(bucket, "decoder", decoder, seq: r.seq) }
        for (name, value) in fields {
            try index(bucket, name, value, seq: r.seq)
            if let key = IPKey.hex(value) { try index(bucket, name + "#ip", key, seq: r.seq) }
        }

        text.bind(1, r.seq)
        text.bind(2, r.message)
        try text.step(db)
    }

    /// Values longer than this are kept in the event but not indexed: exact search on a 4 KB
    /// value is never what anyone types, and it would bloat the index.
    static let maxIndexedValueBytes = QueryIndexedValues.maxValueBytes

    private func index(_ bucket: Int64, _ name: String, _ value: String, seq: Int64) throws {
        guard !value.isEmpty, value.utf8.count <= Self.maxIndexedValueBytes else { return }
        field.bind(1, bucket)
        field.bind(2, name)
        field.bind(3, value)
        field.bind(4, seq)
        try field.step(db)
    }

    /// Widens the seq and time ranges of the buckets a batch wrote to, and the hosts' last-seen.
    func finishBatch(buckets: [Int64: BucketRange], hosts: [Int64: Int64]) throws {
        for (id, range) in buckets {
            try db.execute(sql: """
                INSERT INTO bucket (id, first_seq, last_seq, min_ts, max_ts) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET first_seq = min(first_seq, excluded.first_seq),
                    last_seq = max(last_seq, excluded.last_seq), min_ts = min(min_ts, excluded.min_ts),
                    max_ts = max(max_ts, excluded.max_ts)
                """, arguments: [id, range.firstSeq, range.lastSeq, range.minTS, range.maxTS])
        }
        for (host, received) in hosts {
            try db.execute(sql: """
                INSERT INTO host_seen (host_id, last_received) VALUES (?, ?)
                ON CONFLICT(host_id) DO UPDATE SET last_received = max(last_received, excluded.last_received)
                """, arguments: [host, received])
        }
    }
}

/// The seq and event-time range of the part of a bucket one batch wrote.
struct BucketRange {
    var firstSeq: Int64
    var lastSeq: Int64
    var minTS: Int64
    var maxTS: Int64

    mutating func add(seq: Int64, ts: Int64) {
        firstSeq = min(firstSeq, seq)
        lastSeq = max(lastSeq, seq)
        minTS = min(minTS, ts)
        maxTS = max(maxTS, ts)
    }
}
