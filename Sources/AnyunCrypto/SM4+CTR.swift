import CGcrypt
import Foundation

extension SM4 {
    /// SM4-CTR with a 16-byte initial counter block, incremented as one 128-bit
    /// big-endian integer (byte-compatible with `openssl enc -sm4-ctr`).
    ///
    /// Encryption and decryption are the same operation. Never reuse a counter range
    /// under one key: two messages encrypted from the same counter leak their XOR.
    public enum CTR {
        public static func encrypt<P: DataProtocol, C: DataProtocol>(
            _ plaintext: P, using key: SM4Key, counter: C
        ) throws -> [UInt8] {
            try apply(plaintext, key: key, counter: counter)
        }

        public static func decrypt<D: DataProtocol, C: DataProtocol>(
            _ ciphertext: D, using key: SM4Key, counter: C
        ) throws -> [UInt8] {
            try apply(ciphertext, key: key, counter: counter)
        }

        private static func apply<D: DataProtocol, C: DataProtocol>(
            _ data: D, key: SM4Key, counter: C
        ) throws -> [UInt8] {
            let counter = counter.byteArray
            try requireLength(counter, blockByteCount, "CTR counter block")
            var buffer = data.byteArray
            let cipher = try GcryptCipher(mode: GCRY_CIPHER_MODE_CTR, key: key)
            try cipher.setCounter(counter)
            try cipher.encrypt(inPlace: &buffer)
            return buffer
        }
    }
}
