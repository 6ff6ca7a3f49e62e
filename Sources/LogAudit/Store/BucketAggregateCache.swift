import Synchronization

/// Value counts of whole, full buckets, kept in memory. A full bucket never changes (seq only
/// grows), so its counts stay true; dashboards ask the same count-by again and again.
final class BucketAggregateCache: Sendable {
    struct Key: Hashable, Sendable {
        var day: String
        var bucket: Int64
        var field: String
    }
    static let maxValues = 5_000
    static let maxEntries = 4_096
    private let entries = Mutex<[Key: [ValueBytes: Int]]>([:])
    func counts(_ key: Key) -> [ValueBytes: Int]? { entries.withLock { $0[key] } }
    func store(_ counts: [ValueBytes: Int], for key: Key) {
        guard counts.count <= Self.maxValues else { return }
        entries.withLock { entries in
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = counts
        }
    }
}
