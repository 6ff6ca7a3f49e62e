import Crypto
import Foundation

/// A 128-bit SM4 key.
public struct SM4Key: Sendable {
    public static let byteCount = 16

    /// The raw key bytes, for storage under a key-encryption key. Treat as secret.
    public let rawRepresentation: [UInt8]

    public init<D: DataProtocol>(bytes: D) throws {
        let bytes = bytes.byteArray
        guard bytes.count == Self.byteCount else {
            throw AnyunCryptoError(.invalidLength, "SM4 key must be \(Self.byteCount) bytes, got \(bytes.count)")
        }
        rawRepresentation = bytes
    }

    /// Adopts a swift-crypto key (for example one derived with `HKDF<SHA256>`); it must be 128 bits.
    public init(_ key: SymmetricKey) throws {
        try self.init(bytes: key.withUnsafeBytes { [UInt8]($0) })
    }

    /// A fresh key from the system CSPRNG.
    public static func random() -> SM4Key {
        SM4Key(unchecked: randomBytes(count: byteCount))
    }

    private init(unchecked bytes: [UInt8]) {
        rawRepresentation = bytes
    }
}

/// Bytes from the system CSPRNG (`SystemRandomNumberGenerator` is getrandom(2) on Linux).
/// Drawn eight at a time: each draw is a system call, and a GCM seal needs a fresh nonce.
func randomBytes(count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8]()
    bytes.reserveCapacity(count + 7)
    while bytes.count < count {
        withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
    }
    return Array(bytes.prefix(count))
}
