import AnyunCrypto
import Foundation
import GRDB

/// Recomputes a partition's chains from its stored events and compares them with the stored links, the
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
        var entries = try StoredEntries(db: db)
        while let entry = try entries.next() {
            let expectedSeq = chain.count + 1
            guard case .event(let bytes, let storedMAC) = entry, let record = EventRecord(canonical: bytes) else {
                if case .unreadable(let firstSeq) = entry, firstSeq > expectedSeq {
                    result.problem = .missing(day: meta.day, seqs: expectedSeq...(firstSeq - 1))
                } else {
                    result.problem = .altered(day: meta.day, seq: expectedSeq)
                }
                break
            }
            // Each record names its own position; a gap means events were taken out, unless the
            // next one is the event that belongs here (two were swapped).
            if record.seq != expectedSeq {
                if isSwapped(chain: chain, next: try entries.next()) {
                    result.problem = .reordered(day: meta.day, seq: expectedSeq)
                } else if record.seq > expectedSeq {
                    result.problem = .missing(day: meta.day, seqs: expectedSeq...(record.seq - 1))
                } else {
                    result.problem = .altered(day: meta.day, seq: expectedSeq)
                }
                break
            }
            var candidate = chain
            candidate.append(bytes, key: key)
            if key != nil, candidate.storedMAC != storedMAC {
                result.problem = isSwapped(chain: chain, next: try entries.next())
                    ? .reordered(day: meta.day, seq: expectedSeq) : .altered(day: meta.day, seq: expectedSeq)
                break
            }
            chain = candidate
        }
        result.events = chain.count
        if result.problem != nil { return result }
        result.problem = checkHeads(meta: meta, recomputed: chain, checkpoint: checkpoint)
        return result
    }

    /// True when the next entry, relabelled and chained at this position, carries its own stored
    /// link: it was made here, so the two events were swapped.
    private func isSwapped(chain: EventChain, next: StoredEntries.Entry?) -> Bool {
        guard let key, case .event(let bytes, let mac)? = next, var record = EventRecord(canonical: bytes) else { return false }
        record.seq = chain.count + 1
        var moved = chain
        moved.append(record.canonicalBytes, key: key)
        return moved.storedMAC == mac
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

/// The stored events of a partition in block order.
private struct StoredEntries {
    enum Entry {
        case event(bytes: [UInt8], mac: [UInt8])
        /// A block that does not decode (edited, truncated or corrupt), starting at `firstSeq`.
        case unreadable(firstSeq: Int64)
    }

    let rows: RowCursor
    var block: EventBlock?
    var index = 0

    init(db: Database) throws {
        rows = try Row.fetchCursor(db, sql: "SELECT first_seq, last_seq, codec, data FROM event_block ORDER BY first_seq")
    }

    mutating func next() throws -> Entry? {
        while block == nil || index >= block!.count {
            guard let row = try rows.next() else { return nil }
            let first: Int64 = row[0], last: Int64 = row[1]
            guard last >= first, let decoded = try? EventBlock(firstSeq: first, expected: Int(last - first + 1), codec: row[2],
                                                               data: [UInt8](row[3] as Data)) else {
                return .unreadable(firstSeq: first)
            }
            block = decoded
            index = 0
        }
        defer { index += 1 }
        return .event(bytes: Array(block!.recordBytes(at: index)), mac: Array(block!.mac(at: index)))
    }
}
