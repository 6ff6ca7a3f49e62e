import COpenSSL
import Foundation

/// An SM2 public key: verifies signatures and encrypts.
public struct SM2PublicKey: Sendable, Equatable {
    let key: EVPKey

    init(key: EVPKey) {
        self.key = key
    }

    /// From an encoded point: 04||X||Y (65 bytes), X||Y (64 bytes, gmssl's form) or compressed (33 bytes).
    public init<D: DataProtocol>(rawRepresentation: D) throws {
        key = try SM2KeyImport.publicKey(point: rawRepresentation.byteArray)
    }

    /// From a SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----", `openssl pkey -pubout`).
    public init(pemRepresentation: String) throws {
        key = try SM2KeyImport.publicKey(pem: pemRepresentation)
    }

    /// 04 || X || Y, 65 bytes.
    public var rawRepresentation: Data {
        // A key we hold always has its point; failure would mean OpenSSL lost it.
        Data((try? SM2KeyImport.encodedPoint(of: key)) ?? [])
    }

    /// SubjectPublicKeyInfo PEM.
    public var pemRepresentation: String {
        let bytes = (try? OpenSSL.collectBIO("PEM_write_bio_PUBKEY") { PEM_write_bio_PUBKEY($0, key.pointer) }) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func == (lhs: SM2PublicKey, rhs: SM2PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    /// Checks a DER signature over `message` (SM3 with Z computed from `userID`).
    /// Malformed signatures are simply invalid.
    public func isValidSignature<S: DataProtocol, M: DataProtocol>(
        _ signature: S, for message: M, userID: [UInt8] = SM2.defaultUserID
    ) -> Bool {
        let signature = signature.byteArray
        defer { OpenSSL.clearErrors() }
        guard (try? SM2.checkUserID(userID)) != nil else { return false }
        return (try? SM2DigestContext(key: key, userID: userID, purpose: .verify).verify(signature, message)) ?? false
    }

    /// Encrypts to the GM/T 0009 DER form (see `SM2Ciphertext` for raw forms).
    public func encrypt<P: DataProtocol>(_ plaintext: P) throws -> Data {
        let plaintext = plaintext.byteArray
        guard !plaintext.isEmpty else {
            throw AnyunCryptoError(.invalidLength, "SM2 cannot encrypt an empty message")
        }
        OpenSSL.clearErrors()
        let context = try key.makeContext("SM2 encrypt")
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_encrypt_init(context) == 1 else { throw OpenSSL.error("EVP_PKEY_encrypt_init(SM2)") }
        var length = 0
        guard EVP_PKEY_encrypt(context, nil, &length, plaintext, plaintext.count) == 1 else {
            throw OpenSSL.error("EVP_PKEY_encrypt(SM2) sizing")
        }
        var output = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_encrypt(context, &output, &length, plaintext, plaintext.count) == 1 else {
            throw OpenSSL.error("EVP_PKEY_encrypt(SM2)")
        }
        return Data(output.prefix(length))
    }
}
