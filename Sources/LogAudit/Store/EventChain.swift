import AnyunCrypto

/// The two chains every partition keeps over its events in arrival order.
///
/// - The keyed chain, `mac_i = HMAC-SM3(key, mac_{i-1} || record_i)`, is what the centre checks:
///   whoever can write the log files cannot recompute it without the key. Each row stores the
///   first `storedMACLength` bytes of its link, enough to name the first altered event.
/// - The public chain, `h_i = SM3(h_{i-1} || record_i)`, is what the SM2 seal signs, so an auditor
///   without the centre's secret key can verify an exported partition with the public key alone.
struct EventChain: Sendable, Equatable {
    static let storedMACLength = 16

    /// Events chained so far (the last `seq`).
    var count: Int64
    var mac: [UInt8]
    var digest: [UInt8]

    static let genesis = EventChain(count: 0, mac: HashChain.genesis, digest: HashChain.genesis)

    /// Links one record (its canonical bytes, see `EventRecord.canonicalBytes`).
    mutating func append(_ record: [UInt8], keyed base: HMACSM3) {
        var hmac = base
        hmac.update(data: mac)
        hmac.update(data: record)
        mac = hmac.finalize()
        // Same value as HashChain.link, through libgcrypt's handle-free one-shot path: this runs
        // once per stored event, and opening a digest handle each time cost more than hashing.
        digest = SM3.hash(digest + record)
        count += 1
    }

    var storedMAC: [UInt8] { Array(mac.prefix(Self.storedMACLength)) }
}

/// The key of the keyed chain, derived from the centre's master key so that it never has to be
/// stored on its own.
public struct LogChainKey: Sendable {
    let base: HMACSM3

    public init(secret: [UInt8]) {
        base = HMACSM3(key: HMACSM3.authenticate(Array("anyun log chain v1".utf8), key: secret))
    }
}
