import Foundation
import GRDB
@testable import LogAudit

/// Edits a partition file the way someone with write access to it could: decode the block holding
/// an event, change its entries, write the block back (raw) with a matching row.
enum PartitionTampering {
    typealias Entry = (record: EventRecord, mac: [UInt8])

    static func editBlock(_ file: URL, containing seq: Int64, _ edit: (inout [Entry]) -> Void) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        let queue = try DatabaseQueue(path: file.path)
        try queue.write { db in
            let row = try XCTUnwrapRow(Row.fetchOne(db, sql: """
                SELECT first_seq, last_seq, codec, data FROM event_block WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1
                """, arguments: [seq]))
            let block = try PartitionIndexing.block(row, db)
            var entries: [Entry] = (0..<block.count).map { (block.record(at: $0)!, Array(block.mac(at: $0))) }
            edit(&entries)
            if entries.isEmpty {
                try db.execute(sql: "DELETE FROM event_block WHERE first_seq = ?", arguments: [block.firstSeq])
                return
            }
            var bytes: [UInt8] = []
            for entry in entries { EventBlock.append(record: entry.record.canonicalBytes, mac: entry.mac, to: &bytes) }
            try db.execute(sql: "UPDATE event_block SET last_seq = ?, codec = 0, data = ? WHERE first_seq = ?",
                           arguments: [block.firstSeq + Int64(entries.count) - 1, Data(bytes), block.firstSeq])
        }
        try queue.close()
    }

    private static func XCTUnwrapRow(_ row: Row?) throws -> Row {
        guard let row else { throw LogStoreError.corruptPartition(file: "test", reason: "no block holds that event") }
        return row
    }
}
