import AnyunCore

/// A filter prepared once per search and applied bucket by bucket: the query on the index, then
/// the time window (only where the bucket reaches past it) and the tenant scope.
struct FilterPlan: Sendable {
    let filter: EventFilter
    let query: IndexQuery

    init(_ filter: EventFilter) throws {
        self.filter = filter
        query = try IndexQuery(filter.query, context: filter.context)
    }

    /// Whether every event of the bucket matches: no query, no time edge, no tenant condition,
    /// no snapshot limit inside it.
    func takesWhole(_ bucket: PartitionBucket, of day: Day) -> Bool {
        query.isAll && filter.units == .any && bucket.covers(from: filter.from, to: filter.to)
            && (filter.seqLimits?[day].map { $0 >= bucket.lastSeq } ?? true)
    }

    func match(_ bucket: PartitionBucket, of day: Day, _ source: some BucketTermSource) throws -> IndexMatch {
        var match = try query.evaluate(source)
        if let limit = filter.seqLimits?[day], limit < bucket.lastSeq {
            match.set.formIntersection(OffsetSet(first: Int(max(0, limit - bucket.firstSeq + 1))))
        }
        if !bucket.covers(from: filter.from, to: filter.to) {
            match.set.formIntersection(OffsetSet(times: try source.times()) { $0 >= filter.from && $0 <= filter.to })
        }
        if case .only(let unit) = filter.units {
            match.set.formIntersection(try source.positions(of: IndexTerm(kind: .column, name: "unit_id", value: String(unit))))
        }
        return match
    }

    /// Confirms candidates with the matcher on the stored events, newest first, until `enough`
    /// were confirmed (all when nil). Returns the confirmed positions and whether every
    /// candidate was checked.
    func confirm(_ candidates: OffsetSet, _ bucket: PartitionBucket, in partition: Partition,
                 enough: Int? = nil) async throws -> (set: OffsetSet, complete: Bool) {
        var positions: [Int] = []
        candidates.forEachDescending { positions.append($0); return true }
        let base = PartitionSchema.firstSeq(of: bucket.id)
        var confirmed = OffsetSet()
        var found = 0
        var checked = 0
        while checked < positions.count {
            let chunk = positions[checked..<min(checked + 512, positions.count)]
            checked += chunk.count
            for record in try await partition.records(chunk.map { base + Int64($0) }) where query.matcher.matches(record.event) {
                confirmed.insert(Int(record.seq - base))
                found += 1
            }
            if let enough, found >= enough { break }
        }
        return (confirmed, checked >= positions.count)
    }
}
