import AnyunCrypto

/// The two chains every partition keeps over its events in arrival order.
///
/// Each event's canonical record is hashed once, `d_i = SM3(record_i)`; both chains link digests,
/// so the bytes of an event are hashed once however many chains run over them.
/// - The keyed chain, `mac_i = HMAC-SM3(key, mac_{i-1} || d_i)`, is what the centre checks:
///   whoever can write the log files cannot recompute it without the key. Each stored event keeps
///   the first `storedMACLength` bytes of its link, enough to name the first altered event.
/// - The public chain, `h_i = SM3(h_{i-1} || d_i)`, is what the SM2 seal signs, so an auditor
///   without the centre's secret key can verify an exported partition with the public key alone.
struct EventChain: Sendable, Equatable {
    static let storedMACLength = 16

    /// Events chained so far (the last `seq`).
    var count: Int64
    var mac: [UInt8]
    var digest: [UInt8]

    static let genesis = EventChain(count: 0, mac: HashChain.genesis, digest: HashChain.genesis)

    /// Links one record (its canonical bytes, see `EventRecord.canonicalBytes`); without a key
    /// (an auditor) only the public chain moves.
    mutating func append(_ record: [UInt8], key: LogChainKey?) {
        let recordDigest = SM3.hash(record)
        if let key { mac = key.authenticate(mac + recordDigest) }
        digest = SM3.hash(digest + recordDigest)
        count += 1
    }

    var storedMAC: [UInt8] { Array(mac.prefix(Self.storedMACLength)) }
}

/// The key of the keyed chain, derived from the centre's master key so that it never has to be
/// stored on its own.
public struct LogChainKey: Sendable {
    private let innerPad: [UInt8]
    private let outerPad: [UInt8]

    public init(secret: [UInt8]) {
        let key = HMACSM3.authenticate(Array("anyun log chain v1".utf8), key: secret)
        // HMAC (RFC 2104) over one-shot SM3 with the padded keys made once: a libgcrypt HMAC
        // handle per event cost more than the hashing itself.
        let block = key + [UInt8](repeating: 0, count: 64 - key.count)
        innerPad = block.map { $0 ^ 0x36 }
        outerPad = block.map { $0 ^ 0x5C }
    }

    /// HMAC-SM3 of `message` under this key.
    func authenticate(_ message: [UInt8]) -> [UInt8] {
        SM3.hash(outerPad + SM3.hash(innerPad + message))
    }
}
