import AnyunCore
import GRDB
import Synchronization

/// One bucket of a partition (`PartitionSchema.bucketSize` consecutive events) and its ranges.
struct PartitionBucket: Sendable, Equatable {
    var id: Int64
    var firstSeq: Int64
    var lastSeq: Int64
    var minTS: Int64
    var maxTS: Int64

    var eventCount: Int { Int(lastSeq - firstSeq + 1) }
    var isFull: Bool { eventCount == OffsetSet.capacity }

    func covers(from: Int64, to: Int64) -> Bool { minTS >= from && maxTS <= to }
}

extension Partition {
    /// The buckets holding events of the window, newest first.
    func buckets(from: Int64, to: Int64) async throws -> [PartitionBucket] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, first_seq, last_seq, min_ts, max_ts FROM bucket WHERE max_ts >= ? AND min_ts <= ? ORDER BY id DESC
                """, arguments: [from, to]).map {
                PartitionBucket(id: $0[0], firstSeq: $0[1], lastSeq: $0[2], minTS: $0[3], maxTS: $0[4])
            }
        }
    }

    /// Runs `body` on the bucket's index: the stored rows once the bucket is indexed in this
    /// read's snapshot, the in-memory builder before.
    func withIndex<T: Sendable>(_ bucket: PartitionBucket,
                                _ body: @escaping @Sendable (any BucketTermSource) throws -> T) async throws -> T {
        await indexer.catchUp(to: chain.count)
        return try await database.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT indexed, last_seq FROM bucket WHERE id = ?", arguments: [bucket.id])
            if let row, row[0] as Bool {
                let last: Int64 = row[1]
                return try body(StoredBucketTerms(db: db, bucket: bucket.id, eventCount: Int(last - PartitionSchema.firstSeq(of: bucket.id) + 1)))
            }
            guard let builder = self.openIndexes.withLock({ $0.builder(for: bucket.id) }) else {
                throw LogStoreError.corruptPartition(file: self.url.lastPathComponent, reason: "bucket \(bucket.id) has no index")
            }
            return try body(builder)
        }
    }

    /// The stored events with these sequence numbers, in the order given (missing ones left out).
    func records(_ seqs: [Int64]) async throws -> [EventRecord] {
        guard !seqs.isEmpty else { return [] }
        return try await database.read { db in
            var out: [EventRecord] = []
            out.reserveCapacity(seqs.count)
            for seq in seqs {
                if let record = try self.block(containing: seq, db)?.record(seq: seq) { out.append(record) }
            }
            return out
        }
    }

    private func block(containing seq: Int64, _ db: Database) throws -> EventBlock? {
        if let cached = blocks.block(containing: seq) { return cached }
        guard let row = try Row.fetchOne(db, sql: """
            SELECT first_seq, last_seq, codec, data FROM event_block WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1
            """, arguments: [seq]) else { return nil }
        let block = try PartitionIndexing.block(row, db)
        guard block.lastSeq >= seq else { return nil }
        blocks.insert(block)
        return block
    }
}

/// The last few decoded blocks: a page of results usually sits in one or two of them.
final class BlockCache: Sendable {
    private static let capacity = 16
    private let blocks = Mutex<[EventBlock]>([])

    func block(containing seq: Int64) -> EventBlock? {
        blocks.withLock { $0.first { $0.firstSeq <= seq && seq <= $0.lastSeq } }
    }

    func insert(_ block: EventBlock) {
        blocks.withLock { blocks in
            if blocks.count >= Self.capacity { blocks.removeFirst() }
            blocks.append(block)
        }
    }
}
