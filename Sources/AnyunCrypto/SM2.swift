import Foundation

/// SM2 (GB/T 32918) on the recommended 256-bit curve, computed by OpenSSL 3.
///
/// Keys are `SM2PrivateKey` / `SM2PublicKey`; signatures and ciphertexts are the DER
/// forms OpenSSL and most Chinese PKI software exchange, with `SM2Signature` and
/// `SM2Ciphertext` converting to and from the raw forms other libraries use.
/// SM2 outputs are `Data`, like swift-crypto's elliptic-curve API.
public enum SM2 {
    /// The user ID both parties assume when none is agreed ("1234567812345678",
    /// GM/T 0009-2012); it enters the signature through the Z value.
    public static let defaultUserID: [UInt8] = Array("1234567812345678".utf8)

    /// ENTL in the Z computation is 16 bits of bit length, so an ID is at most 8191 bytes.
    static func checkUserID(_ userID: [UInt8]) throws {
        guard userID.count <= 8191 else {
            throw AnyunCryptoError(.invalidLength, "SM2 user ID must be at most 8191 bytes, got \(userID.count)")
        }
    }
}
