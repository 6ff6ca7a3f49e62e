import Foundation

/// One entry of the tamper-evident audit trail: who did what to which row, from where, and
/// the row before and after. `canonicalPayload` is what the hash chain covers.
public struct AuditRecord: Codable, Sendable, Equatable {
    public var seq: Int64
    public var time: Date
    public var actorID: Int64?
    public var actorName: String
    public var actorRole: String
    public var sourceAddress: String
    public var action: String
    public var targetType: String
    public var targetID: String
    public var unitID: Int64?
    public var outcome: String
    public var before: String?
    public var after: String?
    public var detail: String?
    public var previousHash: String
    public var hash: String

    public init(seq: Int64, time: Date, actorID: Int64?, actorName: String, actorRole: String, sourceAddress: String,
                action: String, targetType: String, targetID: String, unitID: Int64?, outcome: String,
                before: String?, after: String?, detail: String?, previousHash: String, hash: String) {
        self.seq = seq
        self.time = time
        self.actorID = actorID
        self.actorName = actorName
        self.actorRole = actorRole
        self.sourceAddress = sourceAddress
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.unitID = unitID
        self.outcome = outcome
        self.before = before
        self.after = after
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// A length-prefixed, field-ordered encoding: no separator can be forged inside a field.
    /// Time is in whole microseconds so the value survives storage round trips exactly.
    public var canonicalPayload: [UInt8] {
        var out: [UInt8] = Array("anyun-audit-v1".utf8)
        func put(_ s: String?) {
            guard let s else { out.append(0); return }
            out.append(1)
            let bytes = Array(s.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: bytes)
        }
        put(String(seq))
        put(String(Self.micros(time)))
        put(actorID.map(String.init))
        put(actorName)
        put(actorRole)
        put(sourceAddress)
        put(action)
        put(targetType)
        put(targetID)
        put(unitID.map(String.init))
        put(outcome)
        put(before)
        put(after)
        put(detail)
        return out
    }

    public static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}

/// What a caller describes when it records an action; the trail fills in sequence and hashes.
public struct AuditEntry: Sendable, Equatable {
    public var action: String
    public var targetType: String
    public var targetID: String
    public var unitID: Int64?
    public var outcome: String
    public var before: String?
    public var after: String?
    public var detail: String?

    public init(action: String, targetType: String, targetID: String, unitID: Int64? = nil,
                outcome: String = "success", before: String? = nil, after: String? = nil, detail: String? = nil) {
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.unitID = unitID
        self.outcome = outcome
        self.before = before
        self.after = after
        self.detail = detail
    }
}

/// The actor fields of a record, for actions by a user, a token, or the system itself.
public struct AuditActor: Sendable, Equatable {
    public var id: Int64?
    public var name: String
    public var role: String
    public var sourceAddress: String

    public init(id: Int64?, name: String, role: String, sourceAddress: String) {
        self.id = id
        self.name = name
        self.role = role
        self.sourceAddress = sourceAddress
    }

    public init(_ p: Principal) {
        self.init(id: p.userID, name: p.username, role: p.role.rawValue, sourceAddress: p.sourceAddress)
    }

    public static let system = AuditActor(id: nil, name: "system", role: "system", sourceAddress: "local")
}

/// A periodic signature over the chain's head: proves that records up to `seq` existed with
/// this head hash at `time`, so truncating the tail or rewriting the whole chain shows.
public struct AuditSeal: Codable, Sendable, Equatable {
    public var id: Int64
    public var seq: Int64
    public var headHash: String
    public var time: Date
    public var signature: String
    public var publicKeyFingerprint: String

    public init(id: Int64, seq: Int64, headHash: String, time: Date, signature: String, publicKeyFingerprint: String) {
        self.id = id
        self.seq = seq
        self.headHash = headHash
        self.time = time
        self.signature = signature
        self.publicKeyFingerprint = publicKeyFingerprint
    }

    public var signedPayload: [UInt8] {
        Array("anyun-seal-v1|\(seq)|\(headHash)|\(AuditRecord.micros(time))".utf8)
    }
}
