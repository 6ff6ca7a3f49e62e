import AnyunCore
import AnyunCrypto
import AnyunStore
import Foundation

/// The first thing wrong with the trail, named so an auditor can go straight to it.
public enum AuditProblem: Equatable, Sendable, CustomStringConvertible {
    /// The record's content no longer matches its hash.
    case altered(seq: Int64)
    /// Records are missing between two sequence numbers.
    case deleted(afterSeq: Int64, nextSeq: Int64)
    /// The record links to a record other than its predecessor.
    case reordered(seq: Int64)
    /// The chain does not start from the genesis value: its beginning was removed or replaced.
    case headRemoved(firstSeq: Int64)
    /// A seal's signature does not verify with the centre's public key.
    case forgedSeal(sealID: Int64)
    /// A sealed head hash differs from the record now at that position: history was rewritten.
    case rewritten(seq: Int64, sealID: Int64)
    /// A seal covers records that are no longer there: the end of the trail was cut off.
    case truncated(lastSeq: Int64, sealedSeq: Int64)

    public var description: String {
        switch self {
        case .altered(let s): "record \(s) was altered (its content does not match its hash)"
        case .deleted(let a, let n): "records between \(a) and \(n) were deleted"
        case .reordered(let s): "record \(s) does not follow its predecessor (reordered or replaced)"
        case .headRemoved(let f): "the trail starts at record \(f): its beginning was removed"
        case .forgedSeal(let id): "seal \(id) has an invalid SM2 signature"
        case .rewritten(let s, let id): "record \(s) differs from what seal \(id) signed: history was rewritten"
        case .truncated(let last, let sealed): "the trail ends at record \(last) but a seal covers up to \(sealed): records were removed"
        }
    }

    /// The sequence number an auditor should look at first.
    public var seq: Int64 {
        switch self {
        case .altered(let s), .reordered(let s), .rewritten(let s, _): s
        case .deleted(let a, _): a + 1
        case .headRemoved(let f): f
        case .forgedSeal: 0
        case .truncated(let last, _): last + 1
        }
    }
}

public struct AuditVerification: Sendable, Equatable {
    public var recordsChecked: Int
    public var sealsChecked: Int
    public var lastSeq: Int64
    public var problem: AuditProblem?
    public var intact: Bool { problem == nil }
}

/// Re-walks the SM3 chain from its genesis and checks every SM2 seal against it.
public struct AuditVerifier: Sendable {
    let store: any AuditStore
    let sealKey: SM2PublicKey

    public init(store: any AuditStore, sealKey: SM2PublicKey) {
        self.store = store
        self.sealKey = sealKey
    }

    public func verify() async throws -> AuditVerification {
        let seals = try await store.seals()
        var sealsBySeq: [Int64: [AuditSeal]] = [:]
        for seal in seals { sealsBySeq[seal.seq, default: []].append(seal) }
        for seal in seals where !sealKey.isValidSignature(Data(AuditChain.hexBytes(seal.signature) ?? []), for: seal.signedPayload) {
            return AuditVerification(recordsChecked: 0, sealsChecked: 0, lastSeq: 0, problem: .forgedSeal(sealID: seal.id))
        }
        var checked = 0
        var previousSeq: Int64 = 0
        var previousHash = AuditChain.genesis
        while true {
            let batch = try await store.auditRecords(afterSeq: previousSeq, limit: 2000)
            if batch.isEmpty { break }
            for record in batch {
                if record.seq != previousSeq + 1 {
                    let problem: AuditProblem = previousSeq == 0 && record.previousHash != AuditChain.genesis
                        ? .headRemoved(firstSeq: record.seq) : .deleted(afterSeq: previousSeq, nextSeq: record.seq)
                    return AuditVerification(recordsChecked: checked, sealsChecked: 0, lastSeq: previousSeq, problem: problem)
                }
                if AuditChain.hash(of: record) != record.hash {
                    return AuditVerification(recordsChecked: checked, sealsChecked: 0, lastSeq: previousSeq,
                                             problem: .altered(seq: record.seq))
                }
                if record.previousHash != previousHash {
                    return AuditVerification(recordsChecked: checked, sealsChecked: 0, lastSeq: previousSeq,
                                             problem: .reordered(seq: record.seq))
                }
                for seal in sealsBySeq[record.seq] ?? [] where seal.headHash != record.hash {
                    return AuditVerification(recordsChecked: checked, sealsChecked: 0, lastSeq: previousSeq,
                                             problem: .rewritten(seq: record.seq, sealID: seal.id))
                }
                previousHash = record.hash
                previousSeq = record.seq
                checked += 1
            }
        }
        if let maxSealed = seals.map(\.seq).max(), maxSealed > previousSeq {
            return AuditVerification(recordsChecked: checked, sealsChecked: seals.count, lastSeq: previousSeq,
                                     problem: .truncated(lastSeq: previousSeq, sealedSeq: maxSealed))
        }
        return AuditVerification(recordsChecked: checked, sealsChecked: seals.count, lastSeq: previousSeq, problem: nil)
    }
}
