import AnyunCore
import Foundation
import GRDB

/// The store's own record of which partitions exist, their seals, and signed checkpoints of the
/// open ones. Verification compares the files against it, so a deleted day or the cut-off tail of
/// today's partition is named, not silently missing.
final class LogManifest: Sendable {
    static let fileName = "manifest.sqlite"
    let database: DatabaseQueue

    init(url: URL) throws {
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        database = try DatabaseQueue(path: url.path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-manifest") { db in
            try db.execute(sql: """
                CREATE TABLE partition (
                    day TEXT PRIMARY KEY,
                    created_at INTEGER NOT NULL,
                    sealed_at INTEGER,
                    count INTEGER,
                    digest BLOB,
                    signature BLOB,
                    dropped_at INTEGER,
                    archived_to TEXT
                );
                CREATE TABLE checkpoint (
                    id INTEGER PRIMARY KEY,
                    day TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    mac BLOB NOT NULL,
                    digest BLOB NOT NULL,
                    at INTEGER NOT NULL,
                    signature BLOB NOT NULL
                );
                CREATE INDEX checkpoint_day ON checkpoint(day, count);
                """)
        }
        try migrator.migrate(database)
    }

    func recordCreated(day: Day, at time: Int64) throws {
        try database.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO partition (day, created_at) VALUES (?, ?)", arguments: [day.description, time])
        }
    }

    func recordSealed(_ seal: PartitionSeal) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO partition (day, created_at, sealed_at, count, digest, signature) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(day) DO UPDATE SET sealed_at = excluded.sealed_at, count = excluded.count,
                    digest = excluded.digest, signature = excluded.signature
                """, arguments: [seal.day, seal.sealedAt, seal.sealedAt, seal.count, Data(seal.digest), Data(seal.signature)])
        }
    }

    func recordDropped(day: Day, at time: Int64, archivedTo: String?) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE partition SET dropped_at = ?, archived_to = ? WHERE day = ?",
                           arguments: [time, archivedTo, day.description])
        }
    }

    func recordRestored(day: Day) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE partition SET dropped_at = NULL WHERE day = ?", arguments: [day.description])
        }
    }

    func recordArchived(day: Day, to path: String) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE partition SET archived_to = ? WHERE day = ?", arguments: [path, day.description])
        }
    }

    func recordCheckpoint(day: Day, chain: EventChain, at time: Int64, signer: any LogSealSigner) throws {
        let signature = try signer.sign(Self.checkpointBytes(day: day.description, count: chain.count, digest: chain.digest, at: time))
        try database.write { db in
            try db.execute(sql: "INSERT INTO checkpoint (day, count, mac, digest, at, signature) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [day.description, chain.count, Data(chain.mac), Data(chain.digest), time, Data(signature)])
        }
    }

    static func checkpointBytes(day: String, count: Int64, digest: [UInt8], at time: Int64) -> [UInt8] {
        Array("anyun-log-checkpoint/1|\(day)|\(count)|\(IPKey.hex(bytes: digest))|\(time)".utf8)
    }

    struct Entry: Sendable {
        var day: String
        var sealed: Bool
        var count: Int64?
        var dropped: Bool
        var archivedTo: String?
    }

    struct Checkpoint: Sendable {
        var day: String
        var count: Int64
        var mac: [UInt8]
        var digest: [UInt8]
        var at: Int64
        var signature: [UInt8]
    }

    func entries() throws -> [Entry] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT day, sealed_at, count, dropped_at, archived_to FROM partition ORDER BY day").map {
                Entry(day: $0[0], sealed: ($0[1] as Int64?) != nil, count: $0[2], dropped: ($0[3] as Int64?) != nil, archivedTo: $0[4])
            }
        }
    }

    /// The newest checkpoint of each day.
    func latestCheckpoints() throws -> [String: Checkpoint] {
        try database.read { db in
            var result: [String: Checkpoint] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT day, count, mac, digest, at, signature FROM checkpoint c
                WHERE count = (SELECT MAX(count) FROM checkpoint WHERE day = c.day) GROUP BY day
                """) {
                let checkpoint = Checkpoint(day: row[0], count: row[1], mac: [UInt8](row[2] as Data),
                                            digest: [UInt8](row[3] as Data), at: row[4], signature: [UInt8](row[5] as Data))
                result[checkpoint.day] = checkpoint
            }
            return result
        }
    }
}
