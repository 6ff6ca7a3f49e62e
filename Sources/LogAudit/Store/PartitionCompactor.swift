import Foundation
import GRDB

/// Rewrites a sealed partition with its events in large zstd-compressed blocks: the day's file
/// shrinks several times over and nothing chained changes, so the seal stays valid.
///
/// The new file is written beside the old one and renamed over it, so a crash mid-way leaves the
/// sealed file as it was (the leftover `.compacting` file is removed on the next run).
enum PartitionCompactor {
    /// Events per compressed block: large enough for zstd to find the repetition between log
    /// lines, small enough that confirming or showing one event decompresses only about 64 KB
    /// (a phrase search confirms up to a thousand events spread over many blocks).
    static let eventsPerBlock = 256
    static let level: Int32 = 6

    static func temporaryURL(for url: URL) -> URL { url.appendingPathExtension("compacting") }

    static func compact(_ url: URL) throws {
        let temporary = temporaryURL(for: url)
        try? FileManager.default.removeItem(at: temporary)
        let target = try DatabaseQueue(path: temporary.path)
        try target.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: ["file:\(url.path)?mode=ro"])
            try db.inTransaction {
                for sql in PartitionSchema.statements { try db.execute(sql: sql) }
                for table in ["bucket", "posting", "host_seen", "partition_meta"] {
                    try db.execute(sql: "INSERT INTO main.\(table) SELECT * FROM source.\(table)")
                }
                try repackBlocks(db)
                try db.execute(sql: "UPDATE main.partition_meta SET compacted = 1")
                return .commit
            }
            try db.execute(sql: "DETACH DATABASE source")
        }
        try target.close()
        try syncFile(temporary)
        try FileManager.default.setAttributes([.posixPermissions: 0o440], ofItemAtPath: temporary.path)
        guard rename(temporary.path, url.path) == 0 else {
            throw LogStoreError.storageFailure(detail: "renaming the compacted \(url.lastPathComponent): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads the blocks bucket by bucket (a block never spans two) and writes them again as
    /// compressed blocks of `eventsPerBlock` entries.
    private static func repackBlocks(_ db: Database) throws {
        let insert = RawStatement(try db.cachedStatement(
            sql: "INSERT INTO main.event_block (first_seq, last_seq, codec, data) VALUES (?, ?, ?, ?)"))
        var pending: [UInt8] = []
        var firstSeq: Int64 = 0
        var count = 0
        func write() throws {
            guard count > 0 else { return }
            insert.bind(1, firstSeq)
            insert.bind(2, firstSeq + Int64(count) - 1)
            insert.bind(3, EventBlock.Codec.zstd.rawValue)
            insert.bind(4, blob: Zstd.compress(pending, level: level))
            try insert.step(db)
            pending.removeAll(keepingCapacity: true)
            count = 0
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT first_seq, last_seq, codec, data FROM source.event_block ORDER BY first_seq")
        while let row = try rows.next() {
            let block = try PartitionIndexing.block(row, db)
            for index in 0..<block.count {
                let seq = block.firstSeq + Int64(index)
                if count > 0, count == eventsPerBlock || PartitionSchema.bucket(of: seq) != PartitionSchema.bucket(of: firstSeq) {
                    try write()
                }
                if count == 0 { firstSeq = seq }
                EventBlock.append(record: Array(block.recordBytes(at: index)), mac: Array(block.mac(at: index)), to: &pending)
                count += 1
            }
        }
        try write()
    }

    private static func syncFile(_ url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        try handle.synchronize()
        try handle.close()
    }
}
