import AnyunCore
import GRDB

extension PartitionedEventStore {
    /// A search whose candidates must be confirmed one by one on the stored events (phrases,
    /// arrival times) confirms this many beyond its page, then stops and says the total is a
    /// lower bound, so such a query over millions of events answers in the time it takes to read
    /// a few blocks. Index-only queries are always counted exactly.
    public static let confirmedTotalLimit = 1_000

    /// Newest first by arrival: buckets from the newest, events in a bucket by `seq` descending.
    public nonisolated func search(_ filter: EventFilter, page: PageRequest) async throws -> EventPage {
        guard filter.units != .none else { return EventPage(items: [], total: 0, totalIsExact: true, partitions: []) }
        let plan = try FilterPlan(filter)
        let chosen = await partitions(overlapping: filter)
        var items: [StoredEvent] = []
        var total = 0
        var exact = true
        var confirming = false
        var skip = page.offset
        scan: for partition in chosen {
            for bucket in try await partition.buckets(from: filter.from, to: filter.to) {
                if !exact || items.count >= page.limit && (confirming && total >= Self.confirmedTotalLimit || filter.isPastDeadline) {
                    exact = false
                    break scan
                }
                let wanted = items.count < page.limit ? skip + page.limit - items.count : 0
                let found = try await Self.matching(plan, bucket, partition, enough: max(wanted, Self.confirmedTotalLimit - total))
                exact = found.complete
                confirming = confirming || found.confirmed
                let matching = found.set.count
                total += matching
                guard items.count < page.limit, matching > skip else {
                    skip = max(0, skip - matching)
                    continue
                }
                var seqs: [Int64] = []
                var toSkip = skip
                skip = 0
                let want = page.limit - items.count
                found.set.forEachDescending { position in
                    if toSkip > 0 { toSkip -= 1; return true }
                    seqs.append(bucket.firstSeq + Int64(position))
                    return seqs.count < want
                }
                items += try await partition.records(seqs).map { StoredEvent(day: partition.day, event: $0.event) }
            }
        }
        return EventPage(items: items, total: total, totalIsExact: exact, partitions: chosen.map(\.day))
    }

    /// The positions of a bucket matching the plan. Candidates are confirmed newest first until
    /// `enough` are found; `complete` is false when some were left unchecked, `confirmed` true
    /// when the index alone could not answer.
    private static func matching(_ plan: FilterPlan, _ bucket: PartitionBucket, _ partition: Partition,
                                 enough: Int?) async throws -> (set: OffsetSet, complete: Bool, confirmed: Bool) {
        if plan.takesWhole(bucket, of: partition.day) { return (OffsetSet(first: bucket.eventCount), true, false) }
        let day = partition.day
        let match = try await partition.withIndex(bucket) { try plan.match(bucket, of: day, $0) }
        if match.exact { return (match.set, true, false) }
        let found = try await plan.confirm(match.set, bucket, in: partition, enough: enough.map { Swift.max($0, 1) })
        return (found.set, found.complete, true)
    }

    /// Every matching position of a bucket, candidates all confirmed.
    static func matchingPositions(_ plan: FilterPlan, _ bucket: PartitionBucket, _ partition: Partition) async throws -> OffsetSet {
        try await matching(plan, bucket, partition, enough: nil).set
    }

    public nonisolated func event(day: Day, seq: Int64, units: UnitFilter) async throws -> StoredEvent? {
        guard units != .none, let partition = await partitions[day] else { return nil }
        guard let record = try await partition.records([seq]).first,
              units == .any || units == .only(record.unitID ?? -1) else { return nil }
        return StoredEvent(day: day, event: record.event)
    }

    /// The exact number of matching events, however many.
    public nonisolated func count(_ filter: EventFilter) async throws -> Int {
        guard filter.units != .none else { return 0 }
        let plan = try FilterPlan(filter)
        var total = 0
        for partition in await partitions(overlapping: filter) {
            for bucket in try await partition.buckets(from: filter.from, to: filter.to) {
                total += try await Self.matchingPositions(plan, bucket, partition).count
            }
        }
        return total
    }

    /// The most frequent values of a field among matching events.
    public nonisolated func topValues(of field: String, _ filter: EventFilter, limit: Int) async throws -> [ValueCount] {
        guard filter.units != .none else { return [] }
        let plan = try FilterPlan(filter)
        let kind: IndexTerm.Kind = Self.groupableColumns.contains(field) ? .column : .field
        var counts: [ValueBytes: Int] = [:]
        scan: for partition in await partitions(overlapping: filter) {
            for bucket in try await partition.buckets(from: filter.from, to: filter.to) {
                if filter.isPastDeadline { break scan }
                let pairs: [ValueBytes: Int]
                if plan.takesWhole(bucket, of: partition.day) {
                    let key = BucketAggregateCache.Key(day: partition.day.description, bucket: bucket.id, field: field)
                    if bucket.isFull, let cached = aggregates.counts(key) {
                        pairs = cached
                    } else {
                        pairs = try await partition.withIndex(bucket) { try $0.valueCounts(kind, field, within: nil) }
                        if bucket.isFull { aggregates.store(pairs, for: key) }
                    }
                } else {
                    let set = try await Self.matchingPositions(plan, bucket, partition)
                    pairs = try await partition.withIndex(bucket) { try $0.valueCounts(kind, field, within: set) }
                }
                for (value, count) in pairs { counts[value, default: 0] += count }
            }
        }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .prefix(limit).map { ValueCount(value: $0.key.string, count: $0.value) }
    }

    public nonisolated func histogram(_ filter: EventFilter, bucketMicroseconds width: Int64) async throws -> [TimeBucket] {
        guard filter.units != .none, width > 0 else { return [] }
        let plan = try FilterPlan(filter)
        var bins = TimeBins(from: filter.from, to: filter.to, width: width)
        scan: for partition in await partitions(overlapping: filter) {
            for bucket in try await partition.buckets(from: filter.from, to: filter.to) {
                if filter.isPastDeadline { break scan }
                let whole = plan.takesWhole(bucket, of: partition.day)
                let set = whole ? nil : try await Self.matchingPositions(plan, bucket, partition)
                // A full or sealed bucket's time range is final: inside one bin, its count is enough.
                if bucket.isFull || partition.isSealed, bins.sameBin(bucket.minTS, bucket.maxTS) {
                    bins.add(bucket.minTS, count: set?.count ?? bucket.eventCount)
                    continue
                }
                let times = try await partition.withIndex(bucket) { try $0.times() }
                if let set {
                    set.forEachDescending { position in
                        if position < times.count { bins.add(times[position]) }
                        return true
                    }
                } else {
                    for time in times { bins.add(time) }
                }
            }
        }
        return bins.buckets
    }

    /// Fields counted from the numeric columns rather than the field values.
    static let groupableColumns: Set<String> = ["unit_id", "system_id", "host_id", "severity", "facility"]

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

extension EventFilter {
    /// Whether `deadline` has passed: what a count-by or histogram returned is then the newest part.
    public var isPastDeadline: Bool { deadline.map { ContinuousClock.now >= $0 } ?? false }
}
