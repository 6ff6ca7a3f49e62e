import CGcrypt
import Foundation

extension SM4 {
    /// SM4-GCM (the AEAD of RFC 8998 / GB/T 38636), 12-byte nonce and 16-byte tag.
    public enum GCM {
        public static let nonceByteCount = 12
        public static let tagByteCount = 16

        /// Encrypts and authenticates `plaintext`, also authenticating (not encrypting) `aad`.
        /// The default nonce is random; a nonce must never repeat under one key.
        public static func seal<P: DataProtocol, A: DataProtocol>(
            _ plaintext: P, using key: SM4Key, nonce: SM4GCMNonce = SM4GCMNonce(), authenticating aad: A
        ) throws -> SM4GCMSealedBox {
            var buffer = plaintext.byteArray
            let cipher = try GcryptCipher(mode: GCRY_CIPHER_MODE_GCM, key: key)
            try cipher.setIV(nonce.rawRepresentation)
            try cipher.authenticate(aad.byteArray)
            try cipher.markFinal()
            try cipher.encrypt(inPlace: &buffer)
            return SM4GCMSealedBox(unchecked: nonce, ciphertext: buffer, tag: try cipher.tag())
        }

        public static func seal<P: DataProtocol>(
            _ plaintext: P, using key: SM4Key, nonce: SM4GCMNonce = SM4GCMNonce()
        ) throws -> SM4GCMSealedBox {
            try seal(plaintext, using: key, nonce: nonce, authenticating: [UInt8]())
        }

        /// Verifies and decrypts `box`. Throws `.authenticationFailure` if the key, the
        /// AAD, the nonce, the ciphertext or the tag differ from what was sealed; no
        /// plaintext is released in that case.
        public static func open<A: DataProtocol>(
            _ box: SM4GCMSealedBox, using key: SM4Key, authenticating aad: A
        ) throws -> [UInt8] {
            var buffer = box.ciphertext
            let cipher = try GcryptCipher(mode: GCRY_CIPHER_MODE_GCM, key: key)
            try cipher.setIV(box.nonce.rawRepresentation)
            try cipher.authenticate(aad.byteArray)
            try cipher.markFinal()
            try cipher.decrypt(inPlace: &buffer)
            guard try cipher.checkTag(box.tag) else {
                buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                throw AnyunCryptoError(.authenticationFailure,
                                       "SM4-GCM authentication failed: wrong key or AAD, or the box was modified")
            }
            return buffer
        }

        public static func open(_ box: SM4GCMSealedBox, using key: SM4Key) throws -> [UInt8] {
            try open(box, using: key, authenticating: [UInt8]())
        }
    }
}
