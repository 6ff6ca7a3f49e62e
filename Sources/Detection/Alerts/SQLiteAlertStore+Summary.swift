import AnyunCore
import GRDB

extension SQLiteAlertStore: AlertSummarizing {
    public func summary(units: UnitFilter, since: Int64, until: Int64, bucketMicroseconds: Int64, top: Int) async throws -> AlertSummary {
        let unitSQL: String
        var arguments: StatementArguments
        switch units {
        case .any: (unitSQL, arguments) = ("1", [])
        case .only(let unit): (unitSQL, arguments) = ("unit_id = ?", [unit])
        case .none: return AlertSummary()
        }
        let condition = "\(unitSQL) AND last_seen BETWEEN ? AND ?"
        arguments += [since, until]
        let bound = arguments
        let bucket = max(bucketMicroseconds, 1)
        return try await reader.read { db in
            var s = AlertSummary()
            for row in try Row.fetchAll(db, sql: "SELECT severity, state, category, COUNT(*) FROM alert WHERE \(condition) GROUP BY 1, 2, 3",
                                        arguments: bound) {
                let count: Int = row[3]
                s.total += count
                if (row[1] as String) != AlertState.resolved.rawValue { s.open += count }
                if let severity = Severity(rawValue: row[0]) { s.bySeverity[severity, default: 0] += count }
                s.byCategory[row[2], default: 0] += count
            }
            s.topSystems = try Row.fetchAll(db, sql: """
                SELECT system_id, COUNT(*) FROM alert WHERE \(condition) AND system_id IS NOT NULL
                GROUP BY system_id ORDER BY 2 DESC, 1 LIMIT ?
                """, arguments: bound + [top]).map { (systemID: $0[0], count: $0[1]) }
            s.topKeys = try Row.fetchAll(db, sql: """
                SELECT group_key, COUNT(*) FROM alert WHERE \(condition) AND group_key != ''
                GROUP BY group_key ORDER BY 2 DESC, 1 LIMIT ?
                """, arguments: bound + [top]).map { (key: $0[0], count: $0[1]) }
            s.histogram = try Row.fetchAll(db, sql: """
                SELECT (last_seen / ?) * ?, COUNT(*) FROM alert WHERE \(condition) GROUP BY 1 ORDER BY 1
                """, arguments: [bucket, bucket] + bound).map { (start: $0[0], count: $0[1]) }
            return s
        }
    }
}
