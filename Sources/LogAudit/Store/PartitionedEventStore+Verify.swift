import AnyunCore
import Foundation

extension PartitionedEventStore {
    /// Checks every partition of the range (all when nil) and the manifest's record of them.
    public func verify(from: Day? = nil, to: Day? = nil) async throws -> VerificationReport {
        let inRange: (Day) -> Bool = { day in (from.map { day >= $0 } ?? true) && (to.map { day <= $0 } ?? true) }
        let checkpoints = try manifest.latestCheckpoints()
        let verifier = PartitionVerifier(key: key, verifier: signer.verifier)
        var report = VerificationReport(partitions: [], missing: [])
        for day in partitions.keys.sorted() where inRange(day) {
            let partition = partitions[day]!
            report.partitions.append(verifier.verify(partition.database, checkpoint: checkpoints[day.description]))
        }
        for entry in try manifest.entries() where !entry.dropped {
            guard let day = Day(entry.day), inRange(day), partitions[day] == nil else { continue }
            report.missing.append(.partitionMissing(day: entry.day))
        }
        return report
    }
}
