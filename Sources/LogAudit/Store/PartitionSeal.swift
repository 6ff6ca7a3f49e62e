import AnyunCore
import AnyunCrypto
import Foundation

/// Signs seals. The centre signs with its SM2 audit-seal key; a verifier checks with the public key.
public protocol LogSealSigner: Sendable {
    func sign(_ message: [UInt8]) throws -> [UInt8]
    var verifier: any LogSealVerifier { get }
}

public protocol LogSealVerifier: Sendable {
    func isValid(signature: [UInt8], for message: [UInt8]) -> Bool
}

public struct SM2SealSigner: LogSealSigner {
    let key: SM2PrivateKey
    public init(key: SM2PrivateKey) { self.key = key }
    public func sign(_ message: [UInt8]) throws -> [UInt8] { [UInt8](try key.sign(message)) }
    public var verifier: any LogSealVerifier { SM2SealVerifier(key: key.publicKey) }
}

public struct SM2SealVerifier: LogSealVerifier {
    let key: SM2PublicKey
    public init(key: SM2PublicKey) { self.key = key }
    public func isValid(signature: [UInt8], for message: [UInt8]) -> Bool {
        key.isValidSignature(signature, for: message)
    }
}

/// The SM2-signed statement that a partition is complete: its day, how many events, both chain
/// heads and the time range. Signed over `signedBytes`, which a verifier rebuilds from the data.
public struct PartitionSeal: Sendable, Equatable {
    public var day: String
    public var count: Int64
    public var mac: [UInt8]
    public var digest: [UInt8]
    public var minTS: Int64?
    public var maxTS: Int64?
    public var sealedAt: Int64
    public var signature: [UInt8]

    static func make(day: Day, chain: EventChain, minTS: Int64?, maxTS: Int64?, sealedAt: Int64,
                     signer: any LogSealSigner) throws -> PartitionSeal {
        var seal = PartitionSeal(day: day.description, count: chain.count, mac: chain.mac, digest: chain.digest,
                                 minTS: minTS, maxTS: maxTS, sealedAt: sealedAt, signature: [])
        seal.signature = try signer.sign(seal.signedBytes)
        return seal
    }

    /// The public chain head is signed; the keyed head is not, because an auditor without the
    /// centre's secret could not check it anyway, and the centre checks it against the rows.
    var signedBytes: [UInt8] {
        let text = "anyun-log-seal/1|\(day)|\(count)|\(IPKey.hex(bytes: digest))|\(minTS.map(String.init) ?? "-")|\(maxTS.map(String.init) ?? "-")|\(sealedAt)"
        return Array(text.utf8)
    }

    func isValid(verifier: any LogSealVerifier) -> Bool {
        verifier.isValid(signature: signature, for: signedBytes)
    }
}
