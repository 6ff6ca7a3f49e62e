import AnyunCore
import GRDB

extension PartitionedEventStore {
    public nonisolated func search(_ filter: EventFilter, page: PageRequest) async throws -> EventPage {
        guard filter.units != .none else { return EventPage(items: [], total: 0, partitions: []) }
        let chosen = await partitions(overlapping: filter)
        var items: [StoredEvent] = []
        var total = 0
        var skip = page.offset
        for partition in chosen {
            let (sql, arguments) = Self.whereClause(filter)
            let matching = try await partition.database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event e WHERE \(sql)", arguments: arguments) ?? 0
            }
            total += matching
            guard items.count < page.limit, matching > skip else {
                skip = max(0, skip - matching)
                continue
            }
            let want = page.limit - items.count
            let offset = skip
            skip = 0
            let records = try await partition.database.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT \(EventColumns.list) FROM event e WHERE \(sql)
                    ORDER BY e.ts DESC, e.seq DESC LIMIT ? OFFSET ?
                    """, arguments: arguments + [want, offset]).map(EventColumns.record)
            }
            items += records.map { StoredEvent(day: partition.day, event: $0.event) }
        }
        return EventPage(items: items, total: total, partitions: chosen.map(\.day))
    }

    public nonisolated func event(day: Day, seq: Int64, units: UnitFilter) async throws -> StoredEvent? {
        guard units != .none, let partition = await partitions[day] else { return nil }
        let record = try await partition.database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(EventColumns.list) FROM event WHERE seq = ?", arguments: [seq]).map(EventColumns.record)
        }
        guard let record, units == .any || units == .only(record.unitID ?? -1) else { return nil }
        return StoredEvent(day: day, event: record.event)
    }

    public nonisolated func count(_ filter: EventFilter) async throws -> Int {
        guard filter.units != .none else { return 0 }
        var total = 0
        for partition in await partitions(overlapping: filter) {
            let (sql, arguments) = Self.whereClause(filter)
            total += try await partition.database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event e WHERE \(sql)", arguments: arguments) ?? 0
            }
        }
        return total
    }

    /// The most frequent values of a field among matching events: header columns directly, decoded
    /// fields through the exact-value index.
    public nonisolated func topValues(of field: String, _ filter: EventFilter, limit: Int) async throws -> [ValueCount] {
        guard filter.units != .none else { return [] }
        var counts: [String: Int] = [:]
        for partition in await partitions(overlapping: filter) {
            let (sql, arguments) = Self.whereClause(filter)
            let pairs: [ValueCount] = try await partition.database.read { db in
                let rows: [Row]
                if let column = Self.groupableColumns[field] {
                    rows = try Row.fetchAll(db, sql: """
                        SELECT CAST(\(column) AS TEXT), COUNT(*) FROM event e WHERE \(sql) AND \(column) IS NOT NULL GROUP BY \(column)
                        """, arguments: arguments)
                } else {
                    rows = try Row.fetchAll(db, sql: """
                        SELECT f.value, COUNT(*) FROM event_field f
                        WHERE f.name = ? AND f.seq IN (SELECT e.seq FROM event e WHERE \(sql)) GROUP BY f.value
                        """, arguments: [field] + arguments)
                }
                return rows.map { ValueCount(value: $0[0], count: $0[1]) }
            }
            for pair in pairs { counts[pair.value, default: 0] += pair.count }
        }
        return counts.map { ValueCount(value: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
            .prefix(limit).map { $0 }
    }

    public nonisolated func histogram(_ filter: EventFilter, bucketMicroseconds: Int64) async throws -> [TimeBucket] {
        guard filter.units != .none, bucketMicroseconds > 0 else { return [] }
        var counts: [Int64: Int] = [:]
        for partition in await partitions(overlapping: filter) {
            let (sql, arguments) = Self.whereClause(filter)
            let buckets = try await partition.database.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT (e.ts / ?) * ?, COUNT(*) FROM event e WHERE \(sql) GROUP BY 1
                    """, arguments: [bucketMicroseconds, bucketMicroseconds] + arguments).map { TimeBucket(start: $0[0], count: $0[1]) }
            }
            for bucket in buckets { counts[bucket.start, default: 0] += bucket.count }
        }
        return counts.map { TimeBucket(start: $0.key, count: $0.value) }.sorted { $0.start < $1.start }
    }

    static let groupableColumns: [String: String] = [
        "unit_id": "e.unit_id", "system_id": "e.system_id", "host_id": "e.host_id", "app": "e.app",
        "host": "e.host", "source": "e.source", "severity": "e.severity", "decoder": "e.decoder",
    ]

    /// Time window, tenant scope and query, with the tenant condition outside the user's query
    /// so no query text can widen it.
    static func whereClause(_ filter: EventFilter) -> (String, StatementArguments) {
        var sql = "e.ts BETWEEN ? AND ?"
        var arguments: StatementArguments = [filter.from, filter.to]
        if case .only(let unit) = filter.units {
            sql += " AND e.unit_id = ?"
            arguments += [unit]
        }
        if let query = filter.sql, !query.isEmpty {
            sql += " AND (\(query))"
            arguments += filter.arguments
        }
        return (sql, arguments)
    }
}

extension PartitionedEventStore {
    /// When each host last sent anything, over the partitions that hold arrivals since `since`:
    /// the console names hosts that went silent (a stopped agent, or cleared logs).
    public nonisolated func lastSeenByHost(since: Int64, units: UnitFilter) async throws -> [Int64: Int64] {
        guard units != .none else { return [:] }
        let firstDay = Self.day(of: since)
        var seen: [Int64: Int64] = [:]
        for partition in await partitions.values where partition.day >= firstDay {
            var sql = "SELECT host_id, MAX(received) FROM event WHERE host_id IS NOT NULL AND received >= ?"
            var arguments: StatementArguments = [since]
            if case .only(let unit) = units {
                sql += " AND unit_id = ?"
                arguments += [unit]
            }
            let query = sql + " GROUP BY host_id"
            let bound = arguments
            let rows = try await partition.database.read { db in
                try Row.fetchAll(db, sql: query, arguments: bound).map { (host: $0[0] as Int64, at: $0[1] as Int64) }
            }
            for row in rows { seen[row.host] = max(seen[row.host] ?? 0, row.at) }
        }
        return seen
    }
}
