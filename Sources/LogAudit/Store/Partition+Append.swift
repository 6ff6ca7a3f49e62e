import AnyunCore
import Foundation
import GRDB

extension Partition {
    /// Appends events in the order given and returns their sequence numbers. The batch is one
    /// transaction: on any error (disk full, I/O) nothing of it is stored and the chain head stays.
    /// After the commit the events go to the indexer (`PartitionIndexer`); a bucket that fills up
    /// has its index written there.
    func append(_ events: [LogEvent], key: LogChainKey) throws -> ClosedRange<Int64> {
        guard !events.isEmpty else { throw LogStoreError.emptyBatch }
        indexer.reserve()
        var submitted = false
        defer { if !submitted { indexer.release() } }
        return try database.writeWithoutTransaction { db in
            let before = state.withLock { $0 }
            guard before.seal == nil else { throw LogStoreError.partitionSealed(day: day.description) }
            var after = before
            var records: [EventRecord] = []
            records.reserveCapacity(events.count)
            try db.inTransaction {
                var block = PendingBlock()
                let insertBlock = RawStatement(try db.cachedStatement(
                    sql: "INSERT INTO event_block (first_seq, last_seq, codec, data) VALUES (?, ?, 0, ?)"))
                var buckets: [Int64: BucketRange] = [:]
                var hosts: [Int64: Int64] = [:]
                for event in events {
                    let record = EventRecord(event, seq: after.chain.count + 1)
                    let bytes = record.canonicalBytes
                    after.chain.append(bytes, key: key)
                    if block.count > 0, PartitionSchema.bucket(of: record.seq) != PartitionSchema.bucket(of: block.firstSeq) {
                        try block.write(insertBlock, db)
                    }
                    block.add(seq: record.seq, record: bytes, mac: after.chain.storedMAC)
                    after.minTS = Swift.min(after.minTS ?? record.ts, record.ts)
                    after.maxTS = Swift.max(after.maxTS ?? record.ts, record.ts)
                    buckets[PartitionSchema.bucket(of: record.seq), default: BucketRange(
                        firstSeq: record.seq, lastSeq: record.seq, minTS: record.ts, maxTS: record.ts)].add(seq: record.seq, ts: record.ts)
                    if let host = record.hostID { hosts[host] = Swift.max(hosts[host] ?? 0, record.received) }
                    records.append(record)
                }
                try block.write(insertBlock, db)
                try PartitionIndexing.widen(buckets: buckets, hosts: hosts, db)
                try db.execute(
                    sql: "UPDATE partition_meta SET count = ?, head_mac = ?, head_digest = ?, min_ts = ?, max_ts = ? WHERE id = 1",
                    arguments: [after.chain.count, Data(after.chain.mac), Data(after.chain.digest), after.minTS, after.maxTS])
                return .commit
            }
            state.withLock { $0 = after }
            let fields = events.map(\.fields)
            let indexed = records
            submitted = true
            indexer.submit(through: after.chain.count) { [self] in
                index(indexed, fields: fields)
                // A failure here (disk full) leaves the full bucket indexed in memory; the next
                // full bucket, the seal or a restart stores it.
                try? storeIndexes(includingOpen: false)
            }
            return (before.chain.count + 1)...after.chain.count
        }
    }

    private func index(_ records: [EventRecord], fields: [[String: String]]) {
        openIndexes.withLock { indexes in
            for (record, fields) in zip(records, fields) {
                let bucket = PartitionSchema.bucket(of: record.seq)
                indexes.unstored[bucket, default: BucketIndexBuilder(bucket: bucket)].add(record, fields: fields)
            }
        }
    }

    /// Writes the index of every full bucket still in memory (all of them with `includingOpen`).
    func storeIndexes(includingOpen: Bool) throws {
        try database.writeWithoutTransaction { db in try storeIndexes(includingOpen: includingOpen, db) }
    }

    private func storeIndexes(includingOpen: Bool, _ db: Database) throws {
        let ready = openIndexes.withLock { indexes in
            indexes.unstored.values.filter { (includingOpen || $0.isFull) && $0.eventCount > 0 }
        }
        for builder in ready.sorted(by: { $0.bucket < $1.bucket }) {
            try db.inTransaction {
                try PartitionIndexing.store(builder, db)
                return .commit
            }
            openIndexes.withLock { indexes in
                indexes.unstored[builder.bucket] = nil
                indexes.recentlyStored = builder
            }
        }
    }
}

/// The block being filled by one append: entries of consecutive events of one bucket.
private struct PendingBlock {
    var firstSeq: Int64 = 0
    var count = 0
    var bytes: [UInt8] = []

    mutating func add(seq: Int64, record: [UInt8], mac: [UInt8]) {
        if count == 0 {
            firstSeq = seq
            bytes.reserveCapacity(64 * 1024)
        }
        EventBlock.append(record: record, mac: mac, to: &bytes)
        count += 1
    }

    mutating func write(_ statement: RawStatement, _ db: Database) throws {
        guard count > 0 else { return }
        statement.bind(1, firstSeq)
        statement.bind(2, firstSeq + Int64(count) - 1)
        statement.bind(3, blob: bytes)
        try statement.step(db)
        count = 0
        bytes.removeAll(keepingCapacity: true)
    }
}
