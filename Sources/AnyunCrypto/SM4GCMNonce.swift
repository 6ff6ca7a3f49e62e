import Foundation

/// A 12-byte SM4-GCM nonce.
public struct SM4GCMNonce: Sendable, Equatable {
    public let rawRepresentation: [UInt8]

    /// A random nonce. Random 96-bit nonces are safe for up to about 2^32 messages per key.
    public init() {
        rawRepresentation = randomBytes(count: SM4.GCM.nonceByteCount)
    }

    public init<D: DataProtocol>(bytes: D) throws {
        let bytes = bytes.byteArray
        try SM4.requireLength(bytes, SM4.GCM.nonceByteCount, "GCM nonce")
        rawRepresentation = bytes
    }
}
