import Foundation

/// SM4 (GB/T 32907-2016) block cipher modes, computed by libgcrypt.
///
/// Outputs are `[UInt8]` like the rest of the libgcrypt-backed API. Prefer `SM4.GCM`:
/// CBC and CTR give confidentiality only and must be paired with a MAC (HMAC-SM3).
public enum SM4 {
    public static let blockByteCount = 16

    static func requireLength(_ bytes: [UInt8], _ expected: Int, _ what: String) throws {
        guard bytes.count == expected else {
            throw AnyunCryptoError(.invalidLength, "SM4 \(what) must be \(expected) bytes, got \(bytes.count)")
        }
    }
}
