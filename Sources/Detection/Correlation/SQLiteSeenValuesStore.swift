import Foundation
import GRDB
import Synchronization

/// A `SeenValuesStore` that survives restarts: which sources each account has logged in from
/// is learned over days, and forgetting it at every restart would flood the first hours with
/// "new source" alerts.
///
/// Reads are answered from memory; a pair is written through when it is new, and its last-seen
/// time at most once an hour, so a busy account costs no write per login.
public final class SQLiteSeenValuesStore: SeenValuesStore {
    private let database: DatabaseQueue
    private let memory: InMemorySeenValuesStore
    private let written = Mutex<[String: Int64]>([:])
    static let refreshInterval: Int64 = 3_600_000_000

    public init(path: String, capacity: Int = 200_000) throws {
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        database = try DatabaseQueue(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-seen-values") { db in
            try db.execute(sql: """
                CREATE TABLE learning (rule TEXT PRIMARY KEY, start INTEGER NOT NULL);
                CREATE TABLE seen (rule TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, last INTEGER NOT NULL,
                                   PRIMARY KEY (rule, key, value)) WITHOUT ROWID;
                """)
        }
        try migrator.migrate(database)
        memory = InMemorySeenValuesStore(capacity: capacity)
        try database.read { db in
            for row in try Row.fetchAll(db, sql: "SELECT rule, start FROM learning") {
                _ = memory.learningStart(rule: row[0], proposed: row[1])
            }
            // Newest last, so that past capacity the oldest pairs are the ones left out.
            for row in try Row.fetchAll(db, sql: "SELECT rule, key, value, last FROM seen ORDER BY last DESC LIMIT ?",
                                        arguments: [capacity]).reversed() {
                _ = memory.remember(rule: row[0], key: row[1], value: row[2], time: row[3], forgetAfter: nil)
            }
        }
    }

    public func learningStart(rule: String, proposed time: Int64) -> Int64 {
        let start = memory.learningStart(rule: rule, proposed: time)
        if start == time {
            try? database.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO learning (rule, start) VALUES (?, ?)", arguments: [rule, start])
            }
        }
        return start
    }

    public func remember(rule: String, key: String, value: String, time: Int64, forgetAfter: Int64?) -> Bool {
        let isNew = memory.remember(rule: rule, key: key, value: value, time: time, forgetAfter: forgetAfter)
        let id = "\(rule)\u{1}\(key)\u{1}\(value)"
        let due = written.withLock { last in
            guard isNew || time - (last[id] ?? .min / 2) >= Self.refreshInterval else { return false }
            last[id] = time
            return true
        }
        if due {
            try? database.write { db in
                try db.execute(sql: """
                    INSERT INTO seen (rule, key, value, last) VALUES (?, ?, ?, ?)
                    ON CONFLICT(rule, key, value) DO UPDATE SET last = max(last, excluded.last)
                    """, arguments: [rule, key, value, time])
            }
        }
        return isNew
    }
}
