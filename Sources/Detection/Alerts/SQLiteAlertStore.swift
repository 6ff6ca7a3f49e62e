import AnyunCore
import Foundation
import GRDB

/// Alerts in their own SQLite file (`DATA/alerts.sqlite`), with every state change kept in
/// `alert_history` (who, when, note) so the handling of an alert is itself auditable.
public final class SQLiteAlertStore: AlertStore {
    private let database: DatabaseQueue
    var reader: any DatabaseReader { database }

    public init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        database = path == ":memory:" ? try DatabaseQueue(configuration: config) : try DatabaseQueue(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-alerts") { db in
            try db.execute(sql: """
                CREATE TABLE alert (
                    id INTEGER PRIMARY KEY,
                    rule_id TEXT NOT NULL,
                    title TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    severity_rank INTEGER NOT NULL,
                    category TEXT NOT NULL,
                    group_key TEXT NOT NULL,
                    state TEXT NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    unit_id INTEGER,
                    system_id INTEGER,
                    host_id INTEGER,
                    summary TEXT NOT NULL,
                    tags TEXT NOT NULL
                );
                CREATE INDEX alert_open ON alert(rule_id, group_key, unit_id, state);
                CREATE INDEX alert_unit_time ON alert(unit_id, last_seen);
                CREATE INDEX alert_time ON alert(last_seen);
                CREATE TABLE alert_history (
                    id INTEGER PRIMARY KEY,
                    alert_id INTEGER NOT NULL REFERENCES alert(id),
                    at INTEGER NOT NULL,
                    user TEXT NOT NULL,
                    from_state TEXT NOT NULL,
                    to_state TEXT NOT NULL,
                    note TEXT NOT NULL
                );
                CREATE TABLE suppression (
                    id INTEGER PRIMARY KEY,
                    rule_id TEXT NOT NULL,
                    group_key_pattern TEXT NOT NULL,
                    unit_id INTEGER,
                    until INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    created_by TEXT NOT NULL
                );
                """)
        }
        try migrator.migrate(database)
    }

    private static let columns = "id, rule_id, title, severity, category, group_key, state, first_seen, last_seen, count, unit_id, system_id, host_id, summary, tags"

    private static func alert(_ row: Row) -> Alert {
        Alert(id: row[0], ruleID: row[1], title: row[2], severity: Severity(rawValue: row[3]) ?? .medium, category: row[4],
              groupKey: row[5], state: AlertState(rawValue: row[6]) ?? .new, firstSeen: row[7], lastSeen: row[8],
              count: row[9], unitID: row[10], systemID: row[11], hostID: row[12], summary: row[13],
              tags: (row[14] as String).split(separator: ",").map(String.init))
    }

    private static func rank(_ severity: Severity) -> Int { Severity.allCases.firstIndex(of: severity) ?? 0 }

    public func record(_ candidate: AlertCandidate, dedupWindowMicroseconds: Int64) async throws -> AlertOutcome {
        try await database.write { db in
            if try Self.isSuppressed(candidate, db) {
                return .suppressed(ruleID: candidate.ruleID, groupKey: candidate.groupKey)
            }
            if let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.columns) FROM alert
                WHERE rule_id = ? AND group_key = ? AND unit_id IS ? AND state != 'resolved' AND last_seen >= ?
                ORDER BY last_seen DESC LIMIT 1
                """, arguments: [candidate.ruleID, candidate.groupKey, candidate.unitID, candidate.time - dedupWindowMicroseconds]) {
                var alert = Self.alert(row)
                alert.count += 1
                alert.lastSeen = max(alert.lastSeen, candidate.time)
                try db.execute(sql: "UPDATE alert SET count = ?, last_seen = ? WHERE id = ?",
                               arguments: [alert.count, alert.lastSeen, alert.id])
                return .deduplicated(alert)
            }
            try db.execute(sql: """
                INSERT INTO alert (rule_id, title, severity, severity_rank, category, group_key, state, first_seen, last_seen,
                                   count, unit_id, system_id, host_id, summary, tags)
                VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, 1, ?, ?, ?, ?, ?)
                """, arguments: [candidate.ruleID, candidate.title, candidate.severity.rawValue, Self.rank(candidate.severity),
                                 candidate.category, candidate.groupKey, candidate.time, candidate.time, candidate.unitID,
                                 candidate.systemID, candidate.hostID, candidate.summary, candidate.tags.joined(separator: ",")])
            return .raised(Alert(id: db.lastInsertedRowID, ruleID: candidate.ruleID, title: candidate.title,
                                 severity: candidate.severity, category: candidate.category, groupKey: candidate.groupKey,
                                 firstSeen: candidate.time, lastSeen: candidate.time, unitID: candidate.unitID,
                                 systemID: candidate.systemID, hostID: candidate.hostID, summary: candidate.summary,
                                 tags: candidate.tags))
        }
    }

    private static func isSuppressed(_ candidate: AlertCandidate, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM suppression WHERE rule_id = ? AND until > ? AND ? GLOB group_key_pattern
                           AND (unit_id IS NULL OR unit_id IS ?))
            """, arguments: [candidate.ruleID, candidate.time, candidate.groupKey, candidate.unitID]) ?? false
    }

    private static func unitCondition(_ units: UnitFilter) -> (String, StatementArguments) {
        switch units {
        case .any: ("1", [])
        case .only(let unit): ("unit_id = ?", [unit])
        case .none: ("0", [])
        }
    }

    public func alerts(_ query: AlertQuery, page: PageRequest) async throws -> Page<Alert> {
        var (sql, arguments) = Self.unitCondition(query.units)
        if let state = query.state { sql += " AND state = ?"; arguments += [state.rawValue] }
        if let severity = query.minSeverity { sql += " AND severity_rank >= ?"; arguments += [Self.rank(severity)] }
        if let rule = query.ruleID { sql += " AND rule_id = ?"; arguments += [rule] }
        let condition = sql
        let bound = arguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alert WHERE \(condition)", arguments: bound) ?? 0
            let items = try Row.fetchAll(db, sql: """
                SELECT \(Self.columns) FROM alert WHERE \(condition) ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?
                """, arguments: bound + [page.limit, page.offset]).map(Self.alert)
            return Page(items: items, total: total)
        }
    }

    public func alert(id: Int64, units: UnitFilter) async throws -> Alert {
        let (condition, arguments) = Self.unitCondition(units)
        return try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM alert WHERE id = ? AND \(condition)",
                                             arguments: [id] + arguments) else { throw AlertStoreError.notFound(id) }
            return Self.alert(row)
        }
    }

    public func transition(id: Int64, to state: AlertState, by user: String, note: String, units: UnitFilter,
                           at time: Int64) async throws -> Alert {
        let (condition, arguments) = Self.unitCondition(units)
        return try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM alert WHERE id = ? AND \(condition)",
                                             arguments: [id] + arguments) else { throw AlertStoreError.notFound(id) }
            var alert = Self.alert(row)
            guard Self.allowed(from: alert.state, to: state) else {
                throw AlertStoreError.invalidTransition(from: alert.state, to: state)
            }
            try db.execute(sql: "UPDATE alert SET state = ? WHERE id = ?", arguments: [state.rawValue, id])
            try db.execute(sql: "INSERT INTO alert_history (alert_id, at, user, from_state, to_state, note) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, time, user, alert.state.rawValue, state.rawValue, note])
            alert.state = state
            return alert
        }
    }

    public func history(id: Int64, units: UnitFilter) async throws -> [AlertTransition] {
        let (condition, arguments) = Self.unitCondition(units)
        return try await database.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM alert WHERE id = ? AND \(condition)", arguments: [id] + arguments) == true else {
                throw AlertStoreError.notFound(id)
            }
            return try Row.fetchAll(db, sql: """
                SELECT at, user, from_state, to_state, note FROM alert_history WHERE alert_id = ? ORDER BY at, id
                """, arguments: [id]).map { row in
                AlertTransition(at: row[0], user: row[1], from: AlertState(rawValue: row[2]) ?? .new,
                                to: AlertState(rawValue: row[3]) ?? .new, note: row[4])
            }
        }
    }

    /// new → acknowledged → resolved, and a resolved alert may be reopened (new) when it was
    /// closed by mistake; nothing else.
    static func allowed(from: AlertState, to: AlertState) -> Bool {
        switch (from, to) {
        case (.new, .acknowledged), (.new, .resolved), (.acknowledged, .resolved), (.resolved, .new): true
        default: false
        }
    }

    public func suppress(_ suppression: AlertSuppression) async throws -> AlertSuppression {
        try await database.write { db in
            try db.execute(sql: """
                INSERT INTO suppression (rule_id, group_key_pattern, unit_id, until, reason, created_by) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [suppression.ruleID, suppression.groupKeyPattern, suppression.unitID, suppression.until,
                                 suppression.reason, suppression.createdBy])
            var stored = suppression
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func suppressions(activeAt time: Int64) async throws -> [AlertSuppression] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, rule_id, group_key_pattern, unit_id, until, reason, created_by FROM suppression WHERE until > ? ORDER BY id
                """, arguments: [time]).map {
                AlertSuppression(id: $0[0], ruleID: $0[1], groupKeyPattern: $0[2], unitID: $0[3], until: $0[4], reason: $0[5], createdBy: $0[6])
            }
        }
    }

    public func countsBySeverity(units: UnitFilter, since: Int64) async throws -> [Severity: Int] {
        let (condition, arguments) = Self.unitCondition(units)
        return try await database.read { db in
            var counts: [Severity: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT severity, COUNT(*) FROM alert WHERE \(condition) AND last_seen >= ? GROUP BY severity",
                                        arguments: arguments + [since]) {
                if let severity = Severity(rawValue: row[0]) { counts[severity] = row[1] }
            }
            return counts
        }
    }
}
