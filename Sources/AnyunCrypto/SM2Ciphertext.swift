import Foundation

/// An SM2 ciphertext: C1 = kG (the point x, y), C3 = SM3(x2 || M || y2) and C2 = M xor KDF.
///
/// `SM2PublicKey.encrypt` / `SM2PrivateKey.decrypt` use the GM/T 0009 ASN.1 form
/// `SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING, ciphertext OCTET STRING }`
/// (what OpenSSL writes). Other software exchanges the raw concatenation, usually
/// C1 || C3 || C2 (GB/T 32918.4-2016, gmssl's default), sometimes the older C1 || C2 || C3,
/// with or without the 0x04 point prefix on C1; this type converts between them.
public struct SM2Ciphertext: Sendable, Equatable {
    /// How C1, C2 and C3 are ordered in a raw ciphertext.
    public enum Layout: Sendable {
        /// C1 || C3 || C2 — GB/T 32918.4-2016 and gmssl `mode=1`.
        case c1c3c2
        /// C1 || C2 || C3 — the 2012 draft order, gmssl `mode=0`.
        case c1c2c3
    }

    /// Whether C1 in a raw ciphertext starts with the 0x04 uncompressed-point byte.
    public enum PointPrefix: Sendable {
        case present
        case absent
        /// Decide by which reading puts C1 on the curve (gmssl omits the byte, others keep
        /// it; an X coordinate may itself start with 0x04, so the first byte alone can't tell).
        case detect
    }

    /// C1's coordinates, 32 bytes each.
    public let x: [UInt8]
    public let y: [UInt8]
    /// C3, 32 bytes.
    public let hash: [UInt8]
    /// C2, as long as the plaintext.
    public let ciphertext: [UInt8]

    public init<D: DataProtocol>(derRepresentation: D) throws {
        var outer = DER.Reader(derRepresentation.byteArray, what: "SM2 ciphertext")
        var fields = try outer.readSequence("SEQUENCE")
        try outer.expectEnd()
        x = try fields.readUnsignedInteger(width: SM2Curve.coordinateByteCount, "C1.x")
        y = try fields.readUnsignedInteger(width: SM2Curve.coordinateByteCount, "C1.y")
        let hash = Array(try fields.read(tag: DER.octetStringTag, "C3"))
        guard hash.count == SM3.byteCount else {
            throw AnyunCryptoError(.invalidEncoding, "SM2 ciphertext C3 must be \(SM3.byteCount) bytes, got \(hash.count)")
        }
        self.hash = hash
        ciphertext = Array(try fields.read(tag: DER.octetStringTag, "C2"))
        try fields.expectEnd()
    }

    public init<D: DataProtocol>(raw: D, layout: Layout = .c1c3c2, pointPrefix: PointPrefix = .detect) throws {
        let bytes = raw.byteArray
        let width = SM2Curve.coordinateByteCount
        let pointWithPrefix = SM2Curve.uncompressedPointByteCount
        let hasPrefix: Bool
        switch pointPrefix {
        case .present: hasPrefix = true
        case .absent: hasPrefix = false
        case .detect:
            let prefixedOnCurve = bytes.count >= pointWithPrefix && bytes[0] == 0x04
                && SM2Curve.isOnCurve(Array(bytes[..<pointWithPrefix]))
            hasPrefix = prefixedOnCurve
        }
        let c1Length = hasPrefix ? pointWithPrefix : 2 * width
        guard bytes.count > c1Length + SM3.byteCount else {
            throw AnyunCryptoError(
                .invalidLength,
                "raw SM2 ciphertext must be longer than C1 (\(c1Length) bytes) + C3 (32 bytes), got \(bytes.count)")
        }
        if hasPrefix, bytes[0] != 0x04 {
            throw AnyunCryptoError(.invalidEncoding, "raw SM2 ciphertext C1 does not start with 0x04")
        }
        let c1 = bytes[(hasPrefix ? 1 : 0)..<c1Length]
        x = Array(c1.prefix(width))
        y = Array(c1.suffix(width))
        guard SM2Curve.isOnCurve([0x04] + x + y) else {
            throw AnyunCryptoError(.invalidEncoding, "raw SM2 ciphertext C1 is not a point on the SM2 curve")
        }
        let rest = bytes[c1Length...]
        switch layout {
        case .c1c3c2:
            hash = Array(rest.prefix(SM3.byteCount))
            ciphertext = Array(rest.dropFirst(SM3.byteCount))
        case .c1c2c3:
            hash = Array(rest.suffix(SM3.byteCount))
            ciphertext = Array(rest.dropLast(SM3.byteCount))
        }
    }

    public var derRepresentation: Data {
        let fields = DER.encodeUnsignedInteger(x) + DER.encodeUnsignedInteger(y)
            + DER.encode(tag: DER.octetStringTag, hash)
            + DER.encode(tag: DER.octetStringTag, ciphertext)
        return Data(DER.encode(tag: DER.sequenceTag, fields))
    }

    /// The raw concatenation in `layout`, with C1 as 04||X||Y or (without prefix) X||Y.
    public func raw(layout: Layout = .c1c3c2, includingPointPrefix: Bool = true) -> Data {
        var bytes: [UInt8] = includingPointPrefix ? [0x04] : []
        bytes += x + y
        switch layout {
        case .c1c3c2: bytes += hash + ciphertext
        case .c1c2c3: bytes += ciphertext + hash
        }
        return Data(bytes)
    }
}
