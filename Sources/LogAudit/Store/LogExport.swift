import AnyunCore
import Foundation
import GRDB

/// Sealed partitions copied out for an auditor, with the public key that checks their seals.
///
/// The directory holds the partition files as the store keeps them and `seal-public-key.pem`.
/// Verifying needs no secret: the public SM3 chain of every file is recomputed and compared
/// with what the SM2 seal signed.
public enum LogExport {
    public static let publicKeyFile = "seal-public-key.pem"

    public struct Summary: Sendable, Equatable {
        public var exported: [Day]
        /// Days in the range that are not sealed yet (today) and so were not exported.
        public var skippedOpen: [Day]
    }

    public static func verify(directory: URL, verifier: any LogSealVerifier) throws -> VerificationReport {
        let checker = PartitionVerifier(key: nil, verifier: verifier)
        var report = VerificationReport(partitions: [], missing: [])
        for url in try PartitionedEventStore.partitionFiles(in: directory) {
            let queue = try DatabaseQueue(path: url.path, configuration: Partition.readOnlyConfiguration())
            var result = checker.verify(queue, checkpoint: nil)
            if result.problem == nil, !result.sealed {
                result.problem = .sealInvalid(day: result.day)
            }
            report.partitions.append(result)
            try queue.close()
        }
        return report
    }
}

extension PartitionedEventStore {
    /// Copies the sealed partitions of `from...to` to `destination` with the seal public key.
    public func export(from: Day, to: Day, destination: URL, publicKeyPEM: String) throws -> LogExport.Summary {
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        var summary = LogExport.Summary(exported: [], skippedOpen: [])
        for day in partitions.keys.sorted() where day >= from && day <= to {
            let partition = partitions[day]!
            guard partition.isSealed else {
                summary.skippedOpen.append(day)
                continue
            }
            let target = destination.appendingPathComponent(partition.url.lastPathComponent)
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
            try FileManager.default.copyItem(at: partition.url, to: target)
            summary.exported.append(day)
        }
        try Data(publicKeyPEM.utf8).write(to: destination.appendingPathComponent(LogExport.publicKeyFile))
        return summary
    }

    /// Moves a sealed day out of the live store into `archive` (retention, or to free space);
    /// the manifest remembers where it went, so verification does not call it missing.
    public func archive(day: Day, to archive: URL) throws {
        guard let partition = partitions[day] else { throw LogStoreError.notArchived(day: day.description) }
        guard partition.isSealed else { throw LogStoreError.notArchived(day: day.description) }
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let target = archive.appendingPathComponent(partition.url.lastPathComponent)
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.copyItem(at: partition.url, to: target)
        try partition.closeConnections()
        try FileManager.default.removeItem(at: partition.url)
        partitions[day] = nil
        try manifest.recordDropped(day: day, at: LogEvent.microseconds(Date()), archivedTo: archive.path)
    }

    /// Brings an archived day back for search, after checking it against its seal.
    public func restore(day: Day, from archive: URL) throws {
        guard partitions[day] == nil else { throw LogStoreError.archiveConflict(day: day.description, reason: "the day is already in the store") }
        let source = archive.appendingPathComponent(Partition.fileName(for: day))
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw LogStoreError.archiveConflict(day: day.description, reason: "\(source.path) does not exist")
        }
        let queue = try DatabaseQueue(path: source.path, configuration: Partition.readOnlyConfiguration())
        let check = PartitionVerifier(key: key, verifier: signer.verifier).verify(queue, checkpoint: nil)
        try queue.close()
        if let problem = check.problem {
            throw LogStoreError.archiveConflict(day: day.description, reason: "the archived file fails verification: \(problem)")
        }
        guard check.sealed else { throw LogStoreError.archiveConflict(day: day.description, reason: "the archived file is not sealed") }
        let target = directory.appendingPathComponent(Partition.fileName(for: day))
        try FileManager.default.copyItem(at: source, to: target)
        partitions[day] = try Partition.open(url: target)
        try manifest.recordRestored(day: day)
    }

    /// Drops sealed days older than the retention period (never below 180 days), archiving them
    /// first when an archive directory is given. Returns the days dropped.
    public func applyRetention(days retention: Int, archive: URL?) throws -> [Day] {
        guard retention >= LogRetention.minimumDays else { throw LogStoreError.retentionTooShort(days: retention) }
        let today = Self.day(of: LogEvent.microseconds(Date()))
        let oldest = today.adding(days: -retention)
        var dropped: [Day] = []
        for day in partitions.keys.sorted() where day < oldest {
            guard let partition = partitions[day], partition.isSealed else { continue }
            if let archive {
                try self.archive(day: day, to: archive)
            } else {
                try partition.closeConnections()
                try FileManager.default.removeItem(at: partition.url)
                partitions[day] = nil
                try manifest.recordDropped(day: day, at: LogEvent.microseconds(Date()), archivedTo: nil)
            }
            dropped.append(day)
        }
        return dropped
    }
}

public enum LogRetention {
    /// Cybersecurity Law art. 21: network logs are kept no less than six months.
    public static let minimumDays = 180
}
