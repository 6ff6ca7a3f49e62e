import CGcrypt

/// One SM4 `gcry_cipher` handle with its key set, closed when this value goes away.
///
/// Deliberately not Sendable and never stored: each SM4 call opens its own handle,
/// so concurrent callers never share cipher state.
struct GcryptCipher: ~Copyable {
    let handle: gcry_cipher_hd_t

    init(mode: gcry_cipher_modes, key: SM4Key) throws {
        Gcrypt.ensureInitialized()
        var opened: gcry_cipher_hd_t?
        try Gcrypt.check(
            gcry_cipher_open(&opened, Int32(GCRY_CIPHER_SM4.rawValue), Int32(mode.rawValue), 0),
            "gcry_cipher_open(SM4)")
        guard let opened else {
            throw AnyunCryptoError(.library, "gcry_cipher_open(SM4) returned no handle")
        }
        let code = key.rawRepresentation.withUnsafeBytes {
            gcry_cipher_setkey(opened, $0.baseAddress, $0.count)
        }
        if code != 0 {
            gcry_cipher_close(opened)
            throw Gcrypt.error(code, "gcry_cipher_setkey(SM4)")
        }
        handle = opened
    }

    deinit {
        gcry_cipher_close(handle)
    }

    func setIV(_ iv: [UInt8]) throws {
        try Gcrypt.check(iv.withUnsafeBytes { gcry_cipher_setiv(handle, $0.baseAddress, $0.count) },
                         "gcry_cipher_setiv")
    }

    func setCounter(_ counter: [UInt8]) throws {
        try Gcrypt.check(counter.withUnsafeBytes { gcry_cipher_setctr(handle, $0.baseAddress, $0.count) },
                         "gcry_cipher_setctr")
    }

    func authenticate(_ aad: [UInt8]) throws {
        guard !aad.isEmpty else { return }
        try Gcrypt.check(aad.withUnsafeBytes { gcry_cipher_authenticate(handle, $0.baseAddress, $0.count) },
                         "gcry_cipher_authenticate")
    }

    /// Marks the next encrypt/decrypt as the last one (needed by GCM for a partial block).
    func markFinal() throws {
        try Gcrypt.check(anyun_gcry_cipher_final(handle), "gcry_cipher_final")
    }

    /// Encrypts `buffer` in place.
    func encrypt(inPlace buffer: inout [UInt8]) throws {
        guard !buffer.isEmpty else { return }
        try Gcrypt.check(buffer.withUnsafeMutableBytes { gcry_cipher_encrypt(handle, $0.baseAddress, $0.count, nil, 0) },
                         "gcry_cipher_encrypt(SM4)")
    }

    /// Decrypts `buffer` in place.
    func decrypt(inPlace buffer: inout [UInt8]) throws {
        guard !buffer.isEmpty else { return }
        try Gcrypt.check(buffer.withUnsafeMutableBytes { gcry_cipher_decrypt(handle, $0.baseAddress, $0.count, nil, 0) },
                         "gcry_cipher_decrypt(SM4)")
    }

    func tag() throws -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: SM4.GCM.tagByteCount)
        try Gcrypt.check(tag.withUnsafeMutableBytes { gcry_cipher_gettag(handle, $0.baseAddress, $0.count) },
                         "gcry_cipher_gettag")
        return tag
    }

    /// True when `tag` matches; libgcrypt compares in constant time.
    func checkTag(_ tag: [UInt8]) throws -> Bool {
        let code = tag.withUnsafeBytes { gcry_cipher_checktag(handle, $0.baseAddress, $0.count) }
        if code == 0 { return true }
        if gcry_err_code(code) == GPG_ERR_CHECKSUM { return false }
        throw Gcrypt.error(code, "gcry_cipher_checktag")
    }
}
