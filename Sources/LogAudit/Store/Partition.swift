import AnyunCore
import Foundation
import GRDB
import Synchronization

/// One day of events in its own SQLite file (`DATA/logs/2026-11-25.db`, days in Beijing time).
///
/// While a partition is open it is written in WAL mode with `synchronous = FULL`, so a batch is on
/// disk before `append` returns. Once sealed it is switched to a single read-only file, ready to be
/// archived or compressed; dropping a day for retention is deleting one file.
final class Partition: Sendable {
    let day: Day
    let url: URL
    let database: any DatabaseWriter
    private let state: Mutex<State>

    struct State: Sendable {
        var chain: EventChain
        var minTS: Int64?
        var maxTS: Int64?
        var seal: PartitionSeal?
    }

    var chain: EventChain { state.withLock { $0.chain } }
    var seal: PartitionSeal? { state.withLock { $0.seal } }
    var isSealed: Bool { seal != nil }
    var timeBounds: (min: Int64, max: Int64)? {
        state.withLock { s in s.minTS.flatMap { min in s.maxTS.map { (min, $0) } } }
    }

    private init(day: Day, url: URL, database: any DatabaseWriter, state: State) {
        self.day = day
        self.url = url
        self.database = database
        self.state = Mutex(state)
    }

    static func fileName(for day: Day) -> String { "\(day).db" }

    /// Creates a new, empty partition file.
    static func create(day: Day, in directory: URL) throws -> Partition {
        let url = directory.appendingPathComponent(fileName(for: day))
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw LogStoreError.partitionExists(day: day.description)
        }
        let pool = try DatabasePool(path: url.path, configuration: writableConfiguration())
        try pool.write { db in
            for sql in PartitionSchema.statements { try db.execute(sql: sql) }
            try db.execute(
                sql: "INSERT INTO partition_meta (id, day, format, count, head_mac, head_digest) VALUES (1, ?, ?, 0, ?, ?)",
                arguments: [day.description, PartitionSchema.format, Data(EventChain.genesis.mac), Data(EventChain.genesis.digest)])
        }
        return Partition(day: day, url: url, database: pool, state: State(chain: .genesis))
    }

    /// Opens an existing partition: sealed ones read-only, open ones for appending.
    static func open(url: URL) throws -> Partition {
        let probe = try DatabaseQueue(path: url.path, configuration: readOnlyConfiguration())
        let meta = try probe.read { try PartitionMeta.load($0) }
        try probe.close()
        guard let day = Day(meta.day) else { throw LogStoreError.corruptPartition(file: url.lastPathComponent, reason: "bad day \(meta.day)") }
        let database: any DatabaseWriter = meta.seal == nil
            ? try DatabasePool(path: url.path, configuration: writableConfiguration())
            : try DatabaseQueue(path: url.path, configuration: readOnlyConfiguration())
        return Partition(day: day, url: url, database: database,
                         state: State(chain: meta.chain, minTS: meta.minTS, maxTS: meta.maxTS, seal: meta.seal))
    }

    private static func writableConfiguration() -> Configuration {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        config.maximumReaderCount = 4
        return config
    }

    static func readOnlyConfiguration() -> Configuration {
        var config = Configuration()
        config.readonly = true
        return config
    }

    /// Appends events in the order given and returns their sequence numbers. The batch is one
    /// transaction: on any error (disk full, I/O) nothing of it is stored and the chain head stays.
    func append(_ events: [LogEvent], key: LogChainKey) throws -> ClosedRange<Int64> {
        guard !events.isEmpty else { throw LogStoreError.emptyBatch }
        return try database.writeWithoutTransaction { db in
            let before = state.withLock { $0 }
            guard before.seal == nil else { throw LogStoreError.partitionSealed(day: day.description) }
            var after = before
            try db.inTransaction {
                let writer = try PartitionRowWriter(db)
                var buckets: [Int64: BucketRange] = [:]
                var hosts: [Int64: Int64] = [:]
                for event in events {
                    let record = EventRecord(event, seq: after.chain.count + 1)
                    after.chain.append(record.canonicalBytes, keyed: key.base)
                    try writer.insert(record, fields: event.fields, mac: after.chain.storedMAC)
                    after.minTS = Swift.min(after.minTS ?? record.ts, record.ts)
                    after.maxTS = Swift.max(after.maxTS ?? record.ts, record.ts)
                    buckets[PartitionSchema.bucket(of: record.seq), default: BucketRange(
                        firstSeq: record.seq, lastSeq: record.seq, minTS: record.ts, maxTS: record.ts)].add(seq: record.seq, ts: record.ts)
                    if let host = record.hostID { hosts[host] = Swift.max(hosts[host] ?? 0, record.received) }
                }
                try writer.finishBatch(buckets: buckets, hosts: hosts)
                try db.execute(
                    sql: "UPDATE partition_meta SET count = ?, head_mac = ?, head_digest = ?, min_ts = ?, max_ts = ? WHERE id = 1",
                    arguments: [after.chain.count, Data(after.chain.mac), Data(after.chain.digest), after.minTS, after.maxTS])
                return .commit
            }
            state.withLock { $0 = after }
            return (before.chain.count + 1)...after.chain.count
        }
    }

    /// Signs the partition's chain heads and turns the file into a read-only single file.
    func close(signer: any LogSealSigner, at time: Int64) throws -> PartitionSeal {
        if let seal { return seal }
        let current = state.withLock { $0 }
        let seal = try PartitionSeal.make(day: day, chain: current.chain, minTS: current.minTS, maxTS: current.maxTS,
                                          sealedAt: time, signer: signer)
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE partition_meta SET sealed_at = ?, seal = ? WHERE id = 1",
                           arguments: [time, Data(seal.signature)])
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        state.withLock { $0.seal = seal }
        return seal
    }

    func closeConnections() throws {
        try database.close()
    }
}
