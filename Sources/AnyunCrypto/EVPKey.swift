import COpenSSL

/// Owns one `EVP_PKEY` of type SM2 and frees it on deinit.
///
/// Sendability: the key is never modified after construction, and OpenSSL 3 allows an
/// `EVP_PKEY` to be used by several threads at once for sign/verify/encrypt/decrypt
/// (each operation works in its own `EVP_PKEY_CTX` / `EVP_MD_CTX`).
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Adopts `pointer` (which must already be an SM2-type key).
    init(adopting pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// A fresh operation context for this key; the caller frees it.
    func makeContext(_ operation: String) throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else {
            throw OpenSSL.error("\(operation): EVP_PKEY_CTX_new_from_pkey")
        }
        return context
    }
}
