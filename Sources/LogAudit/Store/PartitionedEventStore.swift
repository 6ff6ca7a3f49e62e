import AnyunCore
import Foundation
import GRDB

/// The embedded event store: one SQLite partition per day under one directory.
///
/// Events go to the partition of the day they are appended on (Beijing time), in arrival order,
/// which is the order the tamper-evident chain follows. A day's partition is sealed with the
/// centre's SM2 key once the day is over; sealed partitions are read-only files.
public actor PartitionedEventStore: EventStore {
    public let directory: URL
    let key: LogChainKey
    let signer: any LogSealSigner
    let manifest: LogManifest
    private let now: @Sendable () -> Int64
    var partitions: [Day: Partition] = [:]
    let aggregates = BucketAggregateCache()

    /// Opens (or creates) the store in `directory`, opening every partition file found there.
    public init(directory: URL, key: LogChainKey, signer: any LogSealSigner,
                now: @escaping @Sendable () -> Int64 = { LogEvent.microseconds(Date()) }) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.key = key
        self.signer = signer
        self.now = now
        manifest = try LogManifest(url: directory.appendingPathComponent(LogManifest.fileName))
        var found: [Day: Partition] = [:]
        for url in try Self.partitionFiles(in: directory) {
            try? FileManager.default.removeItem(at: PartitionCompactor.temporaryURL(for: url))
            let partition = try Partition.open(url: url)
            found[partition.day] = partition
        }
        partitions = found
    }

    static func partitionFiles(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "db" && Day($0.deletingPathExtension().lastPathComponent) != nil }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    public static func day(of microseconds: Int64) -> Day {
        Day(secondsSince1970: Double(microseconds) / 1_000_000)
    }

    public var days: [Day] { partitions.keys.sorted() }

    /// The last stored `seq` of every day now, for `EventFilter.seqLimits`.
    public func seqSnapshot() -> [Day: Int64] {
        partitions.mapValues { $0.chain.count }
    }

    public func append(_ events: [LogEvent]) async throws -> EventBatchReceipt {
        let partition = try writablePartition(for: Self.day(of: now()))
        do {
            let seqs = try partition.append(events, key: key)
            return EventBatchReceipt(day: partition.day, seqs: seqs)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw LogStoreError.diskFull(detail: error.message ?? "SQLITE_FULL")
        } catch let error as DatabaseError {
            throw LogStoreError.storageFailure(detail: "\(error.resultCode): \(error.message ?? "")")
        }
    }

    /// Today's partition, created on first use; yesterday's and older open ones are sealed first.
    private func writablePartition(for day: Day) throws -> Partition {
        if let partition = partitions[day], !partition.isSealed { return partition }
        try sealPartitions(before: day)
        if let partition = partitions[day] {
            // Today was sealed already (restored from an archive, say): nothing may be appended.
            throw LogStoreError.partitionSealed(day: partition.day.description)
        }
        let partition = try Partition.create(day: day, in: directory)
        partitions[day] = partition
        try manifest.recordCreated(day: day, at: now())
        return partition
    }

    /// Seals every open partition of a day before `day`. Called at rollover and at startup.
    public func sealPartitions(before day: Day) throws {
        for (partitionDay, partition) in partitions where partitionDay < day && !partition.isSealed {
            let seal = try partition.close(signer: signer, at: now())
            try manifest.recordSealed(seal)
            try partition.closeConnections()
            try Partition.makeSingleFile(url: partition.url)
            partitions[partitionDay] = try Partition.open(url: partition.url)
        }
    }

    /// Rewrites every sealed, not yet compacted day with compressed blocks (see
    /// `PartitionCompactor`). Run by maintenance; the rewrite runs off the actor, so appends and
    /// searches go on meanwhile. Returns the days done.
    @discardableResult
    public nonisolated func compactSealedPartitions() async throws -> [Day] {
        var done: [Day] = []
        for (day, url) in await uncompactedSealedDays() {
            try await Task.detached(priority: .background) { try PartitionCompactor.compact(url) }.value
            try await reopen(day)
            done.append(day)
        }
        return done
    }

    private func uncompactedSealedDays() -> [(Day, URL)] {
        partitions.keys.sorted().compactMap { day in
            guard let partition = partitions[day], partition.isSealed, !partition.isCompacted else { return nil }
            return (day, partition.url)
        }
    }

    private func reopen(_ day: Day) throws {
        guard let partition = partitions[day] else {
            // Archived or dropped while it was being compacted: the rewrite must not bring it back.
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(Partition.fileName(for: day)))
            return
        }
        partitions[day] = try Partition.open(url: partition.url)
    }

    /// Writes a signed checkpoint of every open partition's chain heads, so that removing the
    /// newest events of a day that is not sealed yet is detected by `verify`.
    public func checkpoint() throws {
        for partition in partitions.values where !partition.isSealed {
            let chain = partition.chain
            guard chain.count > 0 else { continue }
            try manifest.recordCheckpoint(day: partition.day, chain: chain, at: now(), signer: signer)
        }
    }

    /// Seals what can be sealed and checkpoints the rest; the last thing before shutdown.
    public func close() throws {
        try sealPartitions(before: Self.day(of: now()))
        try checkpoint()
        for partition in partitions.values { try partition.closeConnections() }
        partitions = [:]
    }

    func partitions(overlapping filter: EventFilter) -> [Partition] {
        partitions.values
            .filter { partition in
                guard let bounds = partition.timeBounds else { return false }
                if let limits = filter.seqLimits, limits[partition.day] == nil { return false }
                return bounds.min <= filter.to && bounds.max >= filter.from
            }
            .sorted { $0.day > $1.day }
    }
}

extension Partition {
    /// Turns a sealed WAL-mode file into a single rollback-journal file that can be opened read-only.
    static func makeSingleFile(url: URL) throws {
        let queue = try DatabaseQueue(path: url.path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try queue.close()
        try FileManager.default.setAttributes([.posixPermissions: 0o440], ofItemAtPath: url.path)
    }
}
