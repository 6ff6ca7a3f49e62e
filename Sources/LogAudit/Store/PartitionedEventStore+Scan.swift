import AnyunCore

/// How far a streaming scan has got: what a long search shows while it runs.
public struct ScanProgress: Sendable, Equatable {
    /// Index buckets (up to 65,536 events each) read so far, and in the whole window.
    public var bucketsDone: Int
    public var bucketsTotal: Int
    public var daysDone: Int
    public var daysTotal: Int
    public var matched: Int
}

extension PartitionedEventStore {
    /// Every matching event of the window, newest first, handed to `body` a batch at a time as
    /// the buckets are read, with the progress so far; stops early when `body` returns false.
    /// A search over months streams instead of answering all at once, so no request has to wait
    /// for the whole range, and the caller can show how far it got.
    public nonisolated func scan(_ filter: EventFilter, batch: Int = 500,
                                 _ body: ([StoredEvent], ScanProgress) async throws -> Bool) async throws {
        guard filter.units != .none else { return }
        let plan = try FilterPlan(filter)
        var work: [(Partition, [PartitionBucket])] = []
        for partition in await partitions(overlapping: filter) {
            work.append((partition, try await partition.buckets(from: filter.from, to: filter.to)))
        }
        var progress = ScanProgress(bucketsDone: 0, bucketsTotal: work.reduce(0) { $0 + $1.1.count },
                                    daysDone: 0, daysTotal: work.count, matched: 0)
        for (partition, buckets) in work {
            for bucket in buckets {
                let set = try await Self.matchingPositions(plan, bucket, partition)
                var pending: [Int64] = []
                var keepGoing = true
                func send(last: Bool) async throws {
                    let records = try await partition.records(pending)
                    progress.matched += records.count
                    if last { progress.bucketsDone += 1 }
                    keepGoing = try await body(records.map { StoredEvent(day: partition.day, event: $0.event) }, progress)
                    pending.removeAll(keepingCapacity: true)
                }
                var positions: [Int] = []
                set.forEachDescending { positions.append($0); return true }
                for position in positions {
                    pending.append(bucket.firstSeq + Int64(position))
                    if pending.count == batch {
                        try await send(last: false)
                        if !keepGoing { return }
                    }
                }
                try await send(last: true)
                if !keepGoing { return }
            }
            progress.daysDone += 1
        }
    }
}
