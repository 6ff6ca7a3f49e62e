import COpenSSL
import Foundation

/// An SM2 private key: signs and decrypts. Its `publicKey` verifies and encrypts.
public struct SM2PrivateKey: Sendable {
    let key: EVPKey
    public let publicKey: SM2PublicKey

    private init(key: EVPKey) throws {
        self.key = key
        publicKey = SM2PublicKey(key: try SM2KeyImport.publicKey(point: SM2KeyImport.encodedPoint(of: key)))
    }

    /// A fresh key pair from OpenSSL's CSPRNG.
    public static func generate() throws -> SM2PrivateKey {
        try SM2PrivateKey(key: SM2KeyImport.generate())
    }

    /// From the private scalar d (32 bytes big-endian, 1 <= d <= n-2).
    public init<D: DataProtocol>(rawRepresentation: D) throws {
        try self.init(key: SM2KeyImport.keyPair(privateScalar: rawRepresentation.byteArray))
    }

    /// From a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----", what `openssl genpkey -algorithm SM2`
    /// writes) or a SEC1 PEM on the SM2 curve. Encrypted PEMs are refused.
    public init(pemRepresentation: String) throws {
        try self.init(key: SM2KeyImport.privateKey(pem: pemRepresentation))
    }

    /// The private scalar d, 32 bytes big-endian. Treat as secret.
    public var rawRepresentation: Data {
        // A key we hold always has its scalar; failure would mean OpenSSL lost it.
        Data((try? SM2KeyImport.privateScalar(of: key)) ?? [])
    }

    /// Unencrypted PKCS#8 PEM. Treat as secret.
    public var pemRepresentation: String {
        let bytes = (try? OpenSSL.collectBIO("PEM_write_bio_PrivateKey") {
            PEM_write_bio_PrivateKey($0, key.pointer, nil, nil, 0, nil, nil)
        }) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Signs `message`: SM3 over Z(userID, public key) || message, returned as DER
    /// `SEQUENCE { r, s }` (`SM2Signature` converts to raw r||s).
    public func sign<M: DataProtocol>(_ message: M, userID: [UInt8] = SM2.defaultUserID) throws -> Data {
        try SM2.checkUserID(userID)
        OpenSSL.clearErrors()
        return Data(try SM2DigestContext(key: key, userID: userID, purpose: .sign).sign(message))
    }

    /// Decrypts a GM/T 0009 DER ciphertext (what `encrypt` and `openssl pkeyutl -encrypt` produce).
    /// For raw C1C3C2 input, convert first: `SM2Ciphertext(raw:).derRepresentation`.
    public func decrypt<C: DataProtocol>(_ ciphertext: C) throws -> Data {
        let ciphertext = ciphertext.byteArray
        // Parsing first separates "this is not an SM2 ciphertext" from "it does not decrypt".
        _ = try SM2Ciphertext(derRepresentation: ciphertext)
        OpenSSL.clearErrors()
        let context = try key.makeContext("SM2 decrypt")
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_decrypt_init(context) == 1 else { throw OpenSSL.error("EVP_PKEY_decrypt_init(SM2)") }
        var length = 0
        guard EVP_PKEY_decrypt(context, nil, &length, ciphertext, ciphertext.count) == 1 else {
            throw OpenSSL.error("EVP_PKEY_decrypt(SM2) sizing")
        }
        var output = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_decrypt(context, &output, &length, ciphertext, ciphertext.count) == 1 else {
            throw OpenSSL.error("SM2 decryption (wrong key, or C3 does not match: the ciphertext was modified)",
                                kind: .authenticationFailure)
        }
        return Data(output.prefix(length))
    }
}
