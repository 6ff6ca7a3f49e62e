import Foundation
import GRDB

/// Writing and recovering the per-bucket parts of a partition: bucket ranges, stored indexes,
/// and the rebuild of indexes lost in a crash.
enum PartitionIndexing {
    /// Widens the seq and time ranges of the buckets a batch wrote to, and the hosts' last-seen.
    static func widen(buckets: [Int64: BucketRange], hosts: [Int64: Int64], _ db: Database) throws {
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

    /// Writes a bucket's index as `posting` rows in key order, with its time column.
    static func store(_ builder: BucketIndexBuilder, _ db: Database) throws {
        let insert = RawStatement(try db.cachedStatement(sql: "INSERT INTO posting (bucket, key, n, data) VALUES (?, ?, ?, ?)"))
        for term in builder.frozen() {
            insert.bind(1, builder.bucket)
            insert.bind(2, blob: Array(term.key))
            insert.bind(3, Int64(term.count))
            insert.bind(4, blob: term.postings)
            try insert.step(db)
        }
        try db.execute(sql: "UPDATE bucket SET indexed = 1, times = ? WHERE id = ?",
                       arguments: [Data(TimeColumnCodec.encode(builder.eventTimes)), builder.bucket])
    }

    /// Indexes again, in memory, every bucket whose index was not stored.
    static func rebuildUnindexed(_ db: Database) throws -> [Int64: BucketIndexBuilder] {
        var builders: [Int64: BucketIndexBuilder] = [:]
        let buckets = try Row.fetchAll(db, sql: "SELECT id, first_seq, last_seq FROM bucket WHERE indexed = 0 ORDER BY id")
        for row in buckets {
            let id: Int64 = row[0]
            var builder = BucketIndexBuilder(bucket: id)
            try forEachRecord(db, seqs: (row[1] as Int64)...(row[2] as Int64)) { record, _ in
                builder.add(record, fields: FieldsJSON.decode(record.fields))
            }
            builders[id] = builder
        }
        return builders
    }

    /// Every stored event of a seq range in order, with its stored chain link; a block that does
    /// not decode is an error naming it.
    static func forEachRecord(_ db: Database, seqs: ClosedRange<Int64>,
                              _ body: (EventRecord, ArraySlice<UInt8>) throws -> Void) throws {
        try forEachBlock(db, seqs: seqs) { block in
            for index in 0..<block.count {
                let seq = block.firstSeq + Int64(index)
                guard seqs.contains(seq) else { continue }
                guard let record = block.record(at: index) else {
                    throw LogStoreError.corruptPartition(file: db.description, reason: "event #\(seq) does not decode")
                }
                try body(record, block.mac(at: index))
            }
        }
    }

    static func forEachBlock(_ db: Database, seqs: ClosedRange<Int64>, _ body: (EventBlock) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT first_seq, last_seq, codec, data FROM event_block WHERE last_seq >= ? AND first_seq <= ? ORDER BY first_seq
            """, arguments: [seqs.lowerBound, seqs.upperBound])
        while let row = try rows.next() {
            try body(try block(row, db))
        }
    }

    static func block(_ row: Row, _ db: Database) throws -> EventBlock {
        let first: Int64 = row[0], last: Int64 = row[1]
        do {
            return try EventBlock(firstSeq: first, expected: Int(last - first + 1), codec: row[2], data: [UInt8](row[3] as Data))
        } catch {
            throw LogStoreError.corruptPartition(file: db.description, reason: "the block of events #\(first)–#\(last) \(error)")
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
