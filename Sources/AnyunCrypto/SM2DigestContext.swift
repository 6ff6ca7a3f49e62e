import COpenSSL
import Foundation

/// One SM3-with-SM2 sign or verify operation (`EVP_DigestSign*` / `EVP_DigestVerify*`).
///
/// The user ID goes on a pkey context handed to the digest context before init, as the
/// OpenSSL 3 SM2(7) manual shows; OpenSSL then prepends Z = SM3(ENTL || ID || a || b ||
/// G || Q) to the message itself.
struct SM2DigestContext: ~Copyable {
    enum Purpose { case sign, verify }

    private let keyContext: OpaquePointer
    private let digestContext: OpaquePointer

    init(key: EVPKey, userID: [UInt8], purpose: Purpose) throws {
        let keyContext = try key.makeContext("SM2 \(purpose)")
        guard EVP_PKEY_CTX_set1_id(keyContext, userID, Int32(userID.count)) == 1 else {
            EVP_PKEY_CTX_free(keyContext)
            throw OpenSSL.error("EVP_PKEY_CTX_set1_id")
        }
        guard let digestContext = EVP_MD_CTX_new() else {
            EVP_PKEY_CTX_free(keyContext)
            throw OpenSSL.error("EVP_MD_CTX_new")
        }
        // The digest context borrows keyContext (it sets EVP_MD_CTX_FLAG_KEEP_PKEY_CTX),
        // so both are freed separately in deinit, digest context first.
        EVP_MD_CTX_set_pkey_ctx(digestContext, keyContext)
        let initialised = switch purpose {
        case .sign: EVP_DigestSignInit(digestContext, nil, EVP_sm3(), nil, key.pointer)
        case .verify: EVP_DigestVerifyInit(digestContext, nil, EVP_sm3(), nil, key.pointer)
        }
        guard initialised == 1 else {
            let error = OpenSSL.error("EVP_Digest\(purpose == .sign ? "Sign" : "Verify")Init(SM3)")
            EVP_MD_CTX_free(digestContext)
            EVP_PKEY_CTX_free(keyContext)
            throw error
        }
        self.keyContext = keyContext
        self.digestContext = digestContext
    }

    deinit {
        EVP_MD_CTX_free(digestContext)
        EVP_PKEY_CTX_free(keyContext)
    }

    func sign<M: DataProtocol>(_ message: M) throws -> [UInt8] {
        try message.forEachRegion { region in
            guard EVP_DigestSignUpdate(digestContext, region.baseAddress, region.count) == 1 else {
                throw OpenSSL.error("EVP_DigestSignUpdate")
            }
        }
        var length = 0
        guard EVP_DigestSignFinal(digestContext, nil, &length) == 1 else {
            throw OpenSSL.error("EVP_DigestSignFinal sizing")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSignFinal(digestContext, &signature, &length) == 1 else {
            throw OpenSSL.error("EVP_DigestSignFinal")
        }
        return Array(signature.prefix(length))
    }

    func verify<M: DataProtocol>(_ signature: [UInt8], _ message: M) throws -> Bool {
        try message.forEachRegion { region in
            guard EVP_DigestVerifyUpdate(digestContext, region.baseAddress, region.count) == 1 else {
                throw OpenSSL.error("EVP_DigestVerifyUpdate")
            }
        }
        return EVP_DigestVerifyFinal(digestContext, signature, signature.count) == 1
    }
}
