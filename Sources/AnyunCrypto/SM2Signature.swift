import Foundation

/// An SM2 signature (r, s), convertible between the DER `SEQUENCE { r, s }` that
/// OpenSSL and `SM2PrivateKey.sign` produce and the raw 64-byte `r || s` that gmssl and
/// many hardware modules use.
public struct SM2Signature: Sendable, Equatable {
    /// r and s, each 32 bytes big-endian.
    public let r: [UInt8]
    public let s: [UInt8]

    public init<D: DataProtocol>(derRepresentation: D) throws {
        var outer = DER.Reader(derRepresentation.byteArray, what: "SM2 signature")
        var fields = try outer.readSequence("SEQUENCE")
        try outer.expectEnd()
        r = try fields.readUnsignedInteger(width: SM2Curve.coordinateByteCount, "r")
        s = try fields.readUnsignedInteger(width: SM2Curve.coordinateByteCount, "s")
        try fields.expectEnd()
    }

    /// `r || s`, 64 bytes.
    public init<D: DataProtocol>(rawRepresentation: D) throws {
        let bytes = rawRepresentation.byteArray
        let width = SM2Curve.coordinateByteCount
        guard bytes.count == 2 * width else {
            throw AnyunCryptoError(.invalidLength, "raw SM2 signature must be r||s, \(2 * width) bytes, got \(bytes.count)")
        }
        r = Array(bytes[..<width])
        s = Array(bytes[width...])
    }

    public var derRepresentation: Data {
        Data(DER.encode(tag: DER.sequenceTag,
                        DER.encodeUnsignedInteger(r) + DER.encodeUnsignedInteger(s)))
    }

    public var rawRepresentation: Data {
        Data(r + s)
    }
}
