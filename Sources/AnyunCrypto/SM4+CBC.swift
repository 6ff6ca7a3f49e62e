import CGcrypt
import Foundation

extension SM4 {
    /// SM4-CBC with PKCS#7 padding and a caller-supplied 16-byte IV
    /// (byte-compatible with `openssl enc -sm4-cbc`).
    ///
    /// The IV must be unpredictable for each message under one key. CBC is not
    /// authenticated: a receiver that reports padding errors to an attacker is a padding
    /// oracle, so authenticate the ciphertext (HMAC-SM3) or use `SM4.GCM`.
    public enum CBC {
        public static func encrypt<P: DataProtocol, I: DataProtocol>(
            _ plaintext: P, using key: SM4Key, iv: I
        ) throws -> [UInt8] {
            let iv = iv.byteArray
            try requireLength(iv, blockByteCount, "CBC IV")
            var buffer = plaintext.byteArray
            let padding = blockByteCount - buffer.count % blockByteCount
            buffer.append(contentsOf: repeatElement(UInt8(padding), count: padding))
            let cipher = try GcryptCipher(mode: GCRY_CIPHER_MODE_CBC, key: key)
            try cipher.setIV(iv)
            try cipher.encrypt(inPlace: &buffer)
            return buffer
        }

        public static func decrypt<C: DataProtocol, I: DataProtocol>(
            _ ciphertext: C, using key: SM4Key, iv: I
        ) throws -> [UInt8] {
            let iv = iv.byteArray
            try requireLength(iv, blockByteCount, "CBC IV")
            var buffer = ciphertext.byteArray
            guard !buffer.isEmpty, buffer.count % blockByteCount == 0 else {
                throw AnyunCryptoError(
                    .invalidLength,
                    "SM4-CBC ciphertext must be a non-empty multiple of \(blockByteCount) bytes, got \(buffer.count)")
            }
            let cipher = try GcryptCipher(mode: GCRY_CIPHER_MODE_CBC, key: key)
            try cipher.setIV(iv)
            try cipher.decrypt(inPlace: &buffer)
            try stripPKCS7(&buffer)
            return buffer
        }

        /// Removes PKCS#7 padding, inspecting the whole last block whatever the pad
        /// length so the time taken does not depend on where the padding is wrong.
        static func stripPKCS7(_ buffer: inout [UInt8]) throws {
            let padding = Int(buffer[buffer.count - 1])
            var bad = UInt8(padding == 0 || padding > blockByteCount ? 1 : 0)
            for offset in 1...blockByteCount {
                let byte = buffer[buffer.count - offset]
                let inPad: UInt8 = offset <= padding ? 1 : 0
                bad |= inPad & (byte == UInt8(truncatingIfNeeded: padding) ? 0 : 1)
            }
            guard bad == 0 else {
                throw AnyunCryptoError(.invalidPadding, "SM4-CBC padding is not valid PKCS#7 (wrong key or IV, or corrupted ciphertext)")
            }
            buffer.removeLast(padding)
        }
    }
}
