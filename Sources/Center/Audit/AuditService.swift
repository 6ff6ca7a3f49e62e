import AnyunCore
import AnyunCrypto
import AnyunStore
import Foundation
import Logging

/// The audit trail as the audit administrator sees it, and the sealing that makes it tamper-evident.
public struct AuditService: Sendable {
    let store: any CenterStore
    let sealKey: SM2PrivateKey
    let now: @Sendable () -> Date
    let logger: Logger

    public init(store: any CenterStore, sealKey: SM2PrivateKey, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.store = store
        self.sealKey = sealKey
        self.now = now
        self.logger = logger
    }

    public func records(_ q: AuditQuery, page: PageRequest, by p: Principal) async throws -> Page<AuditRecord> {
        try p.require(.auditRead)
        return try await store.auditRecords(q, page: page)
    }

    public func verify(by p: Principal) async throws -> AuditVerification {
        try p.require(.auditRead)
        let result = try await AuditVerifier(store: store, sealKey: sealKey.publicKey).verify()
        try await store.recordAudit(AuditEntry(action: "audit.verify", targetType: "audit", targetID: "*",
                                               outcome: result.intact ? "success" : "failure",
                                               detail: result.problem?.description ?? "\(result.recordsChecked) records intact"),
                                    by: p.auditActor)
        return result
    }

    public func seals(by p: Principal) async throws -> [AuditSeal] {
        try p.require(.auditRead)
        return try await store.seals()
    }

    /// Signs the current head if it moved since the last seal; returns the new seal, if any.
    @discardableResult
    public func sealIfNeeded() async throws -> AuditSeal? {
        guard let head = try await store.auditHead() else { return nil }
        if let last = try await store.seals().last, last.seq >= head.seq { return nil }
        let time = Date(timeIntervalSince1970: Double(AuditRecord.micros(now())) / 1_000_000)
        var seal = AuditSeal(id: 0, seq: head.seq, headHash: head.hash, time: time, signature: "",
                             publicKeyFingerprint: Self.fingerprint(sealKey.publicKey))
        seal.signature = AuditChain.hex(Array(try sealKey.sign(seal.signedPayload)))
        try await store.addSeal(seal)
        logger.debug("audit trail sealed", metadata: ["seq": "\(head.seq)"])
        return seal
    }

    /// SM3 of the raw public key, so a verifier can tell which key a seal was made with.
    public static func fingerprint(_ key: SM2PublicKey) -> String {
        AuditChain.hex(SM3.hash(key.rawRepresentation))
    }
}
