import AnyunCore
import AnyunCrypto
import Foundation
import GRDB

/// Appends to the SM3 hash chain inside the caller's transaction. SQLite serializes writers,
/// so reading the head and inserting after it cannot interleave with another append.
enum AuditTrailWriter {
    @discardableResult
    static func append(_ db: Database, _ entry: AuditEntry, by actor: AuditActor, at time: Date) throws -> AuditRecord {
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (head?["seq"] as Int64? ?? 0) + 1
        let previous: String = head?["hash"] ?? AuditChain.genesis
        // Microsecond precision is what is stored, so hash exactly that.
        let stamped = Date(timeIntervalSince1970: Double(AuditRecord.micros(time)) / 1_000_000)
        var record = AuditRecord(
            seq: seq, time: stamped, actorID: actor.id, actorName: actor.name, actorRole: actor.role,
            sourceAddress: actor.sourceAddress, action: entry.action, targetType: entry.targetType,
            targetID: entry.targetID, unitID: entry.unitID, outcome: entry.outcome, before: entry.before,
            after: entry.after, detail: entry.detail, previousHash: previous, hash: "")
        record.hash = AuditChain.hash(of: record)
        try db.execute(sql: """
            INSERT INTO audit_log (seq, time_us, actor_id, actor_name, actor_role, source_address, action,
                target_type, target_id, unit_id, outcome, before, after, detail, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [record.seq, AuditRecord.micros(record.time), record.actorID, record.actorName,
                             record.actorRole, record.sourceAddress, record.action, record.targetType,
                             record.targetID, record.unitID, record.outcome, record.before, record.after,
                             record.detail, record.previousHash, record.hash])
        return record
    }

    static func record(_ row: Row) -> AuditRecord {
        AuditRecord(
            seq: row["seq"], time: Date(timeIntervalSince1970: Double(row["time_us"] as Int64) / 1_000_000),
            actorID: row["actor_id"], actorName: row["actor_name"], actorRole: row["actor_role"],
            sourceAddress: row["source_address"], action: row["action"], targetType: row["target_type"],
            targetID: row["target_id"], unitID: row["unit_id"], outcome: row["outcome"], before: row["before"],
            after: row["after"], detail: row["detail"], previousHash: row["previous_hash"], hash: row["hash"])
    }
}

/// The chain's link function, shared by the writer and every verifier.
public enum AuditChain {
    /// The previous-hash of the first record: 32 zero bytes.
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(of record: AuditRecord) -> String {
        let prev = hexBytes(record.previousHash) ?? []
        return hex(HashChain.link(previous: prev, payload: record.canonicalPayload))
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func hexBytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension SQLiteStore: AuditStore {
    public func recordAudit(_ entry: AuditEntry, by actor: AuditActor) async throws {
        let time = now()
        _ = try await write { db in try AuditTrailWriter.append(db, entry, by: actor, at: time) }
    }

    public func auditRecords(_ q: AuditQuery, page: PageRequest) async throws -> Page<AuditRecord> {
        try await read { db in
            var clauses: [String] = []
            var args: [any DatabaseValueConvertible] = []
            if let a = q.actor, !a.isEmpty { clauses.append("actor_name = ?"); args.append(a) }
            if let a = q.action, !a.isEmpty { clauses.append("action = ?"); args.append(a) }
            if let t = q.targetType, !t.isEmpty { clauses.append("target_type = ?"); args.append(t) }
            if let f = q.from { clauses.append("time_us >= ?"); args.append(AuditRecord.micros(f)) }
            if let t = q.to { clauses.append("time_us < ?"); args.append(AuditRecord.micros(t)) }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log \(whereSQL)",
                                         arguments: StatementArguments(args)) ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_log \(whereSQL) ORDER BY seq DESC LIMIT ? OFFSET ?",
                                        arguments: StatementArguments(args + [page.limit, page.offset]))
            return Page(items: rows.map(AuditTrailWriter.record), total: total)
        }
    }

    public func auditRecords(afterSeq seq: Int64, limit: Int) async throws -> [AuditRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                             arguments: [seq, limit]).map(AuditTrailWriter.record)
        }
    }

    public func auditHead() async throws -> (seq: Int64, hash: String)? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .map { (seq: $0["seq"] as Int64, hash: $0["hash"] as String) }
        }
    }

    public func addSeal(_ seal: AuditSeal) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO audit_seal (seq, head_hash, time_us, signature, key_fingerprint) VALUES (?, ?, ?, ?, ?)
                """, arguments: [seal.seq, seal.headHash, AuditRecord.micros(seal.time), seal.signature,
                                 seal.publicKeyFingerprint])
        }
    }

    public func seals() async throws -> [AuditSeal] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_seal ORDER BY id").map {
                AuditSeal(id: $0["id"], seq: $0["seq"], headHash: $0["head_hash"],
                          time: Date(timeIntervalSince1970: Double($0["time_us"] as Int64) / 1_000_000),
                          signature: $0["signature"], publicKeyFingerprint: $0["key_fingerprint"])
            }
        }
    }
}
