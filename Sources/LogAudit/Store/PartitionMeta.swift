import Foundation
import GRDB

/// The `partition_meta` row: the partition's day, its chain heads and its seal.
struct PartitionMeta {
    var day: String
    var format: Int
    var chain: EventChain
    var minTS: Int64?
    var maxTS: Int64?
    var seal: PartitionSeal?
    var compacted: Bool

    static func load(_ db: Database) throws -> PartitionMeta {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT day, format, count, head_mac, head_digest, min_ts, max_ts, sealed_at, seal, compacted FROM partition_meta WHERE id = 1
            """) else {
            throw LogStoreError.corruptPartition(file: db.description, reason: "no partition_meta row")
        }
        let format: Int = row[1]
        guard format == PartitionSchema.format else { throw LogStoreError.unknownFormat(file: db.description, format: format) }
        let day: String = row[0]
        let chain = EventChain(count: row[2], mac: [UInt8](row[3] as Data), digest: [UInt8](row[4] as Data))
        let minTS: Int64? = row[5]
        let maxTS: Int64? = row[6]
        var seal: PartitionSeal?
        if let sealedAt = row[7] as Int64?, let signature = row[8] as Data? {
            seal = PartitionSeal(day: day, count: chain.count, mac: chain.mac, digest: chain.digest, minTS: minTS,
                                 maxTS: maxTS, sealedAt: sealedAt, signature: [UInt8](signature))
        }
        return PartitionMeta(day: day, format: format, chain: chain, minTS: minTS, maxTS: maxTS, seal: seal, compacted: row[9])
    }
}
