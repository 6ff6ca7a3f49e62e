import Foundation

/// The output of `SM4.GCM.seal`: nonce, ciphertext (same length as the plaintext) and tag.
public struct SM4GCMSealedBox: Sendable, Equatable {
    public let nonce: SM4GCMNonce
    public let ciphertext: [UInt8]
    public let tag: [UInt8]

    init(unchecked nonce: SM4GCMNonce, ciphertext: [UInt8], tag: [UInt8]) {
        self.nonce = nonce
        self.ciphertext = ciphertext
        self.tag = tag
    }

    public init<C: DataProtocol, T: DataProtocol>(nonce: SM4GCMNonce, ciphertext: C, tag: T) throws {
        let tag = tag.byteArray
        try SM4.requireLength(tag, SM4.GCM.tagByteCount, "GCM tag")
        self.init(unchecked: nonce, ciphertext: ciphertext.byteArray, tag: tag)
    }

    /// `nonce || ciphertext || tag`, the form to store or send.
    public var combined: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(SM4.GCM.nonceByteCount + ciphertext.count + SM4.GCM.tagByteCount)
        bytes += nonce.rawRepresentation
        bytes += ciphertext
        bytes += tag
        return bytes
    }

    /// Splits `nonce || ciphertext || tag`.
    public init<D: DataProtocol>(combined: D) throws {
        let bytes = combined.byteArray
        let overhead = SM4.GCM.nonceByteCount + SM4.GCM.tagByteCount
        guard bytes.count >= overhead else {
            throw AnyunCryptoError(
                .invalidLength,
                "SM4-GCM combined box must be at least \(overhead) bytes (12 nonce + 16 tag), got \(bytes.count)")
        }
        let nonce = try SM4GCMNonce(bytes: bytes[..<SM4.GCM.nonceByteCount])
        let tagStart = bytes.count - SM4.GCM.tagByteCount
        self.init(unchecked: nonce,
                  ciphertext: Array(bytes[SM4.GCM.nonceByteCount..<tagStart]),
                  tag: Array(bytes[tagStart...]))
    }
}
