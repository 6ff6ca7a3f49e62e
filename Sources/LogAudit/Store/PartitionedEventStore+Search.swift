import AnyunCore
import GRDB

extension PartitionedEventStore {
    /// Totals are counted exactly up to this many events; past it a search stops counting once
    /// its page is filled and says the total is a lower bound, as large log stores do, so a
    /// query matching millions of events answers in the time it takes to read one page.
    public static let exactTotalLimit = 10_000

    /// Newest first by arrival: buckets from the newest, events in a bucket by `seq` descending.
    public nonisolated func search(_ filter: EventFilter, page: PageRequest) async throws -> EventPage {
        guard filter.units != .none else { return EventPage(items: [], total: 0, totalIsExact: true, partitions: []) }
        let chosen = await partitions(overlapping: filter)
        var items: [StoredEvent] = []
        var total = 0
        var exact = true
        var skip = page.offset
        scan: for partition in chosen {
            for bucket in try await partition.buckets(from: filter.from, to: filter.to) {
                if items.count >= page.limit, total >= Self.exactTotalLimit {
                    exact = false
                    break scan
                }
                let (sql, arguments) = BucketScope.whereClause(filter, bucket)
                let matching = try await Self.count(sql, arguments, filter, bucket, partition)
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
                        SELECT \(EventColumns.list) FROM event e WHERE \(sql) ORDER BY e.seq DESC LIMIT ? OFFSET ?
                        """, arguments: arguments + [want, offset]).map(EventColumns.record)
                }
                items += records.map { StoredEvent(day: partition.day, event: $0.event) }
            }
        }
        return EventPage(items: items, total: total, totalIsExact: exact, partitions: chosen.map(\.day))
    }

    public nonisolated func event(day: Day, seq: Int64, units: UnitFilter) async throws -> StoredEvent? {
        guard units != .none, let partition = await partitions[day] else { return nil }
        let record = try await partition.database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(EventColumns.list) FROM event WHERE seq = ?", arguments: [seq]).map(EventColumns.record)
        }
        guard let record, units == .any || units == .only(record.unitID ?? -1) else { return nil }
        return StoredEvent(day: day, event: record.event)
    }

    /// The exact number of matching events, however many.
    public nonisolated func count(_ filter: EventFilter) async throws -> Int {
        guard filter.units != .none else { return 0 }
        var total = 0
        for partition in await partitions(overlapping: filter) {
            for bucket in try await partition.buckets(from: filter.from, to: filter.to) {
                let (sql, arguments) = BucketScope.whereClause(filter, bucket)
                total += try await Self.count(sql, arguments, filter, bucket, partition)
            }
        }
        return total
    }

    /// Matching events of one bucket; a bucket wholly inside an unfiltered window is counted
    /// from its seq range without reading it (seq has no gaps).
    private static func count(_ sql: String, _ arguments: StatementArguments, _ filter: EventFilter,
                              _ bucket: PartitionBucket, _ partition: Partition) async throws -> Int {
        if BucketScope.coversWholeBucket(filter, bucket) { return Int(bucket.lastSeq - bucket.firstSeq + 1) }
        return try await partition.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event e WHERE \(sql)", arguments: arguments) ?? 0
        }
    }

    /// The most frequent values of a field among matching events: header columns directly, decoded
    /// fields through the exact-value index.
    public nonisolated func topValues(of field: String, _ filter: EventFilter, limit: Int) async throws -> [ValueCount] {
        guard filter.units != .none else { return [] }
        var counts: [String: Int] = [:]
        for partition in await partitions(overlapping: filter) {
            for bucket in try await partition.buckets(from: filter.from, to: filter.to) {
                let cacheable = BucketScope.coversWholeBucket(filter, bucket) && BucketAggregateCache.isFull(bucket)
                let key = BucketAggregateCache.Key(day: partition.day.description, bucket: bucket.id, field: field)
                let pairs: [ValueCount]
                if cacheable, let cached = aggregates.counts(key) {
                    pairs = cached
                } else {
                    pairs = try await partition.database.read { db in
                        try Self.valueCounts(of: field, filter, bucket, db)
                    }
                    if cacheable { aggregates.store(pairs, for: key) }
                }
                for pair in pairs { counts[pair.value, default: 0] += pair.count }
            }
        }
        return counts.map { ValueCount(value: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
            .prefix(limit).map { $0 }
    }

    private static func valueCounts(of field: String, _ filter: EventFilter, _ bucket: PartitionBucket,
                                    _ db: Database) throws -> [ValueCount] {
        let (sql, arguments) = BucketScope.whereClause(filter, bucket)
        let rows: [Row]
        if let column = groupableColumns[field] {
            rows = try Row.fetchAll(db, sql: """
                SELECT CAST(\(column) AS TEXT), COUNT(*) FROM event e WHERE \(sql) AND \(column) IS NOT NULL GROUP BY \(column)
                """, arguments: arguments)
        } else if BucketScope.coversWholeBucket(filter, bucket) {
            // Every event of the bucket counts: the index alone answers, in key order.
            rows = try Row.fetchAll(db, sql: "SELECT value, COUNT(*) FROM event_field WHERE bucket = ? AND name = ? GROUP BY value",
                                    arguments: [bucket.id, field])
        } else {
            rows = try Row.fetchAll(db, sql: """
                SELECT f.value, COUNT(*) FROM event_field f
                WHERE f.bucket = ? AND f.name = ? AND f.seq IN (SELECT e.seq FROM event e WHERE \(sql)) GROUP BY f.value
                """, arguments: [bucket.id, field] + arguments)
        }
        return rows.map { ValueCount(value: $0[0], count: $0[1]) }
    }

    public nonisolated func histogram(_ filter: EventFilter, bucketMicroseconds: Int64) async throws -> [TimeBucket] {
        guard filter.units != .none, bucketMicroseconds > 0 else { return [] }
        var counts: [Int64: Int] = [:]
        for partition in await partitions(overlapping: filter) {
            for bucket in try await partition.buckets(from: filter.from, to: filter.to) {
                let (sql, arguments) = BucketScope.whereClause(filter, bucket)
                let buckets = try await partition.database.read { db in
                    try Row.fetchAll(db, sql: """
                        SELECT (e.ts / ?) * ?, COUNT(*) FROM event e WHERE \(sql) GROUP BY 1
                        """, arguments: [bucketMicroseconds, bucketMicroseconds] + arguments).map { TimeBucket(start: $0[0], count: $0[1]) }
                }
                for time in buckets { counts[time.start, default: 0] += time.count }
            }
        }
        return counts.map { TimeBucket(start: $0.key, count: $0.value) }.sorted { $0.start < $1.start }
    }

    static let groupableColumns: [String: String] = [
        "unit_id": "e.unit_id", "system_id": "e.system_id", "host_id": "e.host_id", "severity": "e.severity",
    ]

    /// When each host last sent anything, over the partitions that hold arrivals since `since`:
    /// the console names hosts that went silent (a stopped agent, or cleared logs). Host ids are
    /// global; the caller keeps the hosts of the units it may show.
    public nonisolated func lastSeenByHost(since: Int64, units: UnitFilter) async throws -> [Int64: Int64] {
        guard units != .none else { return [:] }
        let firstDay = Self.day(of: since)
        var seen: [Int64: Int64] = [:]
        for partition in await partitions.values where partition.day >= firstDay {
            let rows = try await partition.database.read { db in
                try Row.fetchAll(db, sql: "SELECT host_id, last_received FROM host_seen WHERE last_received >= ?",
                                 arguments: [since]).map { (host: $0[0] as Int64, at: $0[1] as Int64) }
            }
            for row in rows { seen[row.host] = max(seen[row.host] ?? 0, row.at) }
        }
        return seen
    }
}
