import AnyunCrypto
import Foundation
import GRDB

/// Recomputes a partition's chains from its rows and compares them with the stored links, the
/// header, the seal and the newest checkpoint.
///
/// With the chain key (the centre) every row's keyed link is checked, so the first altered,
/// missing or reordered event is named. Without it (an auditor with the exported files and the
/// public key) the public chain is recomputed and checked against the SM2 seal.
struct PartitionVerifier {
    var key: LogChainKey?
    var verifier: any LogSealVerifier

    func verify(_ database: any DatabaseReader, checkpoint: LogManifest.Checkpoint?) -> PartitionVerification {
        do {
            return try database.read { db in try verify(db, checkpoint: checkpoint) }
        } catch {
            return PartitionVerification(day: database.path, events: 0, sealed: false,
                                         problem: .unreadable(day: (database.path as NSString).lastPathComponent, reason: "\(error)"))
        }
    }

    private func verify(_ db: Database, checkpoint: LogManifest.Checkpoint?) throws -> PartitionVerification {
        let meta = try PartitionMeta.load(db)
        var result = PartitionVerification(day: meta.day, events: 0, sealed: meta.seal != nil, problem: nil)
        var chain = EventChain.genesis
        let rows = try Row.fetchCursor(db, sql: "SELECT \(EventColumns.list), mac FROM event ORDER BY seq")
        var pending: (record: EventRecord, mac: [UInt8])?
        func nextRow() throws -> (record: EventRecord, mac: [UInt8])? {
            if let row = pending { pending = nil; return row }
            guard let row = try rows.next() else { return nil }
            return (EventColumns.record(row), [UInt8](row[EventColumns.count] as Data))
        }
        while let (record, storedMAC) = try nextRow() {
            let expectedSeq = chain.count + 1
            if record.seq != expectedSeq {
                result.problem = .missing(day: meta.day, seqs: expectedSeq...(record.seq - 1))
                break
            }
            var candidate = chain
            candidate.append(record.canonicalBytes, keyed: keyBase)
            if let key, candidate.storedMAC != storedMAC {
                result.problem = try isSwapped(chain: chain, next: nextRow(), key: key, pendingSink: &pending)
                    ? .reordered(day: meta.day, seq: record.seq) : .altered(day: meta.day, seq: record.seq)
                break
            }
            chain = candidate
        }
        result.events = chain.count
        if result.problem != nil { return result }
        result.problem = checkHeads(meta: meta, recomputed: chain, checkpoint: checkpoint)
        return result
    }

    private var keyBase: HMACSM3 { key?.base ?? LogChainKey(secret: []).base }

    /// True when the next row, chained at this position, carries this position's link: the two
    /// rows were swapped.
    private func isSwapped(chain: EventChain, next: (record: EventRecord, mac: [UInt8])?, key: LogChainKey,
                           pendingSink: inout (record: EventRecord, mac: [UInt8])?) throws -> Bool {
        guard var next else { return false }
        pendingSink = next
        next.record.seq = chain.count + 1
        var moved = chain
        moved.append(next.record.canonicalBytes, keyed: key.base)
        return moved.storedMAC == next.mac
    }

    private func checkHeads(meta: PartitionMeta, recomputed chain: EventChain,
                            checkpoint: LogManifest.Checkpoint?) -> LogIntegrityProblem? {
        if let checkpoint {
            let signed = LogManifest.checkpointBytes(day: checkpoint.day, count: checkpoint.count, digest: checkpoint.digest, at: checkpoint.at)
            guard verifier.isValid(signature: checkpoint.signature, for: signed) else {
                return .checkpointInvalid(day: meta.day, count: checkpoint.count)
            }
            if chain.count < checkpoint.count {
                return .truncated(day: meta.day, expected: checkpoint.count, found: chain.count)
            }
        }
        if meta.chain.count > chain.count {
            return .truncated(day: meta.day, expected: meta.chain.count, found: chain.count)
        }
        // The signed seal speaks first: it is what an auditor without the chain key relies on.
        if let seal = meta.seal {
            guard seal.isValid(verifier: verifier) else { return .sealInvalid(day: meta.day) }
            if seal.count != chain.count || seal.digest != chain.digest { return .sealMismatch(day: meta.day) }
        }
        if meta.chain.digest != chain.digest || (key != nil && meta.chain.mac != chain.mac) {
            return .headMismatch(day: meta.day)
        }
        return nil
    }
}

/// The `event` columns in schema order, read back into an `EventRecord`.
enum EventColumns {
    static let list = "seq, ts, received, transport, source, facility, severity, host, app, procid, msgid, message, fields, decoder, flags, unit_id, system_id, host_id"
    static let count = 18

    static func record(_ row: Row) -> EventRecord {
        EventRecord(seq: row[0], ts: row[1], received: row[2], transport: row[3], source: row[4], facility: row[5],
                    severity: row[6], host: row[7], app: row[8], procid: row[9], msgid: row[10], message: row[11],
                    fields: row[12], decoder: row[13], flags: row[14], unitID: row[15], systemID: row[16], hostID: row[17])
    }
}
