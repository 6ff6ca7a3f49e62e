import CGcrypt
import Foundation

/// HMAC-SM3 (RFC 2104 over SM3), computed by libgcrypt.
///
/// Use the static functions for one-shot work, or an instance to feed data in pieces.
/// Copying an instance forks the running state (copy-on-write).
public struct HMACSM3: Sendable {
    /// MAC length in bytes.
    public static let byteCount = 32

    private var state: DigestStream

    /// Starts an HMAC-SM3 computation with `key` (any length; long keys are hashed, per RFC 2104).
    public init<K: DataProtocol>(key: K) {
        let keyBytes = key.byteArray
        do {
            state = DigestStream(try keyBytes.withUnsafeBytes { try GcryptDigest(algorithm: GCRY_MD_SM3, hmacKey: $0) })
        } catch {
            // libgcrypt accepts every key length for HMAC outside FIPS mode; failure here
            // means the library is broken or out of memory.
            fatalError("\(error)")
        }
    }

    public mutating func update<D: DataProtocol>(data: D) {
        state.update(data: data)
    }

    /// The MAC of everything fed so far; the instance stays usable.
    public func finalize() -> [UInt8] {
        state.finalize()
    }

    /// HMAC-SM3 of `data` under `key` (32 bytes).
    public static func authenticate<D: DataProtocol, K: DataProtocol>(_ data: D, key: K) -> [UInt8] {
        var mac = HMACSM3(key: key)
        mac.update(data: data)
        return mac.state.finish()
    }

    /// Checks `mac` against HMAC-SM3 of `data` in constant time.
    public static func isValidAuthenticationCode<M: DataProtocol, D: DataProtocol, K: DataProtocol>(
        _ mac: M, authenticating data: D, key: K
    ) -> Bool {
        constantTimeEquals(mac.byteArray, authenticate(data, key: key))
    }
}
