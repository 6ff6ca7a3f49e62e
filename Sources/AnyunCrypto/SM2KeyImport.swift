import COpenSSL
import Foundation

/// Builds SM2-type `EVP_PKEY`s from raw material, PEM, or generation.
///
/// OpenSSL 3.0 only computes the SM2 Z value when the key's type is SM2 (not merely
/// an EC key on the SM2 curve), so every path here ends in the "SM2" key manager.
enum SM2KeyImport {
    static func generate() throws -> EVPKey {
        OpenSSL.clearErrors()
        guard let context = anyun_sm2_context_new() else {
            throw OpenSSL.error("EVP_PKEY_CTX_new_from_name(SM2)")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw OpenSSL.error("EVP_PKEY_keygen_init(SM2)") }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else {
            throw OpenSSL.error("EVP_PKEY_generate(SM2)")
        }
        return EVPKey(adopting: key)
    }

    /// A key pair from the private scalar d (32 bytes big-endian); Q = [d]G is derived.
    static func keyPair(privateScalar scalar: [UInt8]) throws -> EVPKey {
        guard scalar.count == SM2Curve.coordinateByteCount else {
            throw AnyunCryptoError(.invalidLength, "SM2 private key must be 32 bytes, got \(scalar.count)")
        }
        OpenSSL.clearErrors()
        let point = try SM2Curve.publicPoint(forPrivateScalar: scalar)
        guard let d = scalar.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else {
            throw OpenSSL.error("BN_bin2bn")
        }
        defer { BN_clear_free(d) }
        return try fromData(selection: anyun_evp_pkey_keypair_selection(), point: point, privateScalar: d)
    }

    /// A public key from an encoded point: 04||X||Y (65 bytes), X||Y (64 bytes) or compressed (33 bytes).
    static func publicKey(point bytes: [UInt8]) throws -> EVPKey {
        let point = bytes.count == 2 * SM2Curve.coordinateByteCount ? [0x04] + bytes : bytes
        guard point.count == SM2Curve.uncompressedPointByteCount || point.count == 1 + SM2Curve.coordinateByteCount else {
            throw AnyunCryptoError(
                .invalidLength,
                "SM2 public key must be 04||X||Y (65 bytes), X||Y (64) or compressed (33), got \(bytes.count) bytes")
        }
        OpenSSL.clearErrors()
        guard SM2Curve.isOnCurve(point) else {
            throw AnyunCryptoError(.invalidKey, "SM2 public key is not a point on the SM2 curve")
        }
        return try fromData(selection: anyun_evp_pkey_public_key_selection(), point: point, privateScalar: nil)
    }

    private static func fromData(selection: Int32, point: [UInt8], privateScalar: OpaquePointer?) throws -> EVPKey {
        guard let builder = OSSL_PARAM_BLD_new() else { throw OpenSSL.error("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        return try point.withUnsafeBytes { pointBytes in
            guard anyun_param_push_sm2_group(builder) == 1,
                  anyun_param_push_public_point(builder, pointBytes.baseAddress, pointBytes.count) == 1
            else { throw OpenSSL.error("OSSL_PARAM_BLD_push(group, pub)") }
            if let privateScalar {
                guard anyun_param_push_private_scalar(builder, privateScalar) == 1 else {
                    throw OpenSSL.error("OSSL_PARAM_BLD_push(priv)")
                }
            }
            // The parameter array copies the point and scalar, so it must be built
            // while `pointBytes` is still valid.
            guard let params = OSSL_PARAM_BLD_to_param(builder) else { throw OpenSSL.error("OSSL_PARAM_BLD_to_param") }
            defer { OSSL_PARAM_free(params) }
            guard let context = anyun_sm2_context_new() else {
                throw OpenSSL.error("EVP_PKEY_CTX_new_from_name(SM2)")
            }
            defer { EVP_PKEY_CTX_free(context) }
            var key: OpaquePointer?
            guard EVP_PKEY_fromdata_init(context) == 1,
                  EVP_PKEY_fromdata(context, &key, selection, params) == 1, let key
            else { throw OpenSSL.error("EVP_PKEY_fromdata(SM2)", kind: .invalidKey) }
            return EVPKey(adopting: key)
        }
    }

    /// Reads a PKCS#8 ("PRIVATE KEY", as `openssl genpkey -algorithm SM2` writes) or SEC1
    /// ("EC PRIVATE KEY") PEM. Encrypted PEMs are refused rather than prompting.
    static func privateKey(pem: String) throws -> EVPKey {
        OpenSSL.clearErrors()
        let key = try OpenSSL.withReadBIO(Array(pem.utf8)) { bio -> OpaquePointer in
            guard let key = anyun_pem_read_private_key(bio) else {
                throw OpenSSL.error("reading an SM2 private key PEM (PKCS#8 or SEC1, unencrypted)", kind: .invalidEncoding)
            }
            return key
        }
        let owned = EVPKey(adopting: key)
        if EVP_PKEY_is_a(key, "SM2") == 1 { return owned }
        try requireSM2Group(owned, "private")
        return try keyPair(privateScalar: privateScalar(of: owned))
    }

    /// Reads a SubjectPublicKeyInfo ("PUBLIC KEY") PEM.
    static func publicKey(pem: String) throws -> EVPKey {
        OpenSSL.clearErrors()
        let key = try OpenSSL.withReadBIO(Array(pem.utf8)) { bio -> OpaquePointer in
            guard let key = anyun_pem_read_public_key(bio) else {
                throw OpenSSL.error("reading an SM2 public key PEM (SubjectPublicKeyInfo)", kind: .invalidEncoding)
            }
            return key
        }
        let owned = EVPKey(adopting: key)
        if EVP_PKEY_is_a(key, "SM2") == 1 { return owned }
        try requireSM2Group(owned, "public")
        return try publicKey(point: encodedPoint(of: owned))
    }

    /// An EC key on the SM2 curve is accepted (and re-imported as SM2); any other key is not.
    private static func requireSM2Group(_ key: EVPKey, _ role: String) throws {
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        let isEC = EVP_PKEY_is_a(key.pointer, "EC") == 1
        let gotGroup = name.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_utf8_string_param(key.pointer, OSSL_PKEY_PARAM_GROUP_NAME, $0.baseAddress, $0.count, &length) == 1
        }
        let group = gotGroup ? String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "none"
        OpenSSL.clearErrors()
        guard isEC, group.uppercased() == "SM2" else {
            let type = String(cString: EVP_PKEY_get0_type_name(key.pointer))
            throw AnyunCryptoError(.invalidKey, "the PEM holds a \(type) \(role) key (curve \(group)), not an SM2 key")
        }
    }

    static func encodedPoint(of key: EVPKey) throws -> [UInt8] {
        var point = [UInt8](repeating: 0, count: SM2Curve.uncompressedPointByteCount)
        var length = 0
        let ok = point.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_octet_string_param(key.pointer, OSSL_PKEY_PARAM_PUB_KEY, $0.baseAddress, $0.count, &length)
        }
        guard ok == 1, length == SM2Curve.uncompressedPointByteCount else {
            throw OpenSSL.error("EVP_PKEY_get_octet_string_param(pub)")
        }
        return point
    }

    static func privateScalar(of key: EVPKey) throws -> [UInt8] {
        var bignum: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key.pointer, OSSL_PKEY_PARAM_PRIV_KEY, &bignum) == 1, let bignum else {
            throw OpenSSL.error("EVP_PKEY_get_bn_param(priv)")
        }
        defer { BN_clear_free(bignum) }
        var scalar = [UInt8](repeating: 0, count: SM2Curve.coordinateByteCount)
        let written = scalar.withUnsafeMutableBufferPointer {
            BN_bn2binpad(bignum, $0.baseAddress, Int32($0.count))
        }
        guard written == SM2Curve.coordinateByteCount else { throw OpenSSL.error("BN_bn2binpad") }
        return scalar
    }
}
