import CGcrypt
import Foundation

/// Owns one `gcry_md` handle (plain SM3 or HMAC-SM3) and closes it on deinit.
///
/// Sendability: the handle is only written through `write(_:)`, which the owning value
/// types call after `isKnownUniquelyReferenced` (copy-on-write), so a shared instance is
/// only ever read. Reading (`gcry_md_copy`) does not modify the source handle because we
/// never use the buffered `gcry_md_putc` path, whose pending bytes `gcry_md_copy` would flush.
final class GcryptDigest: @unchecked Sendable {
    private let handle: gcry_md_hd_t
    let algorithm: Int32

    init(algorithm: gcry_md_algos, hmacKey: UnsafeRawBufferPointer? = nil) throws {
        Gcrypt.ensureInitialized()
        let algo = Int32(algorithm.rawValue)
        var opened: gcry_md_hd_t?
        let flags: UInt32 = hmacKey == nil ? 0 : GCRY_MD_FLAG_HMAC.rawValue
        try Gcrypt.check(gcry_md_open(&opened, algo, flags), "gcry_md_open")
        guard let opened else {
            throw AnyunCryptoError(.library, "gcry_md_open returned no handle")
        }
        if let hmacKey {
            let code = gcry_md_setkey(opened, hmacKey.baseAddress, hmacKey.count)
            if code != 0 {
                gcry_md_close(opened)
                throw Gcrypt.error(code, "gcry_md_setkey")
            }
        }
        self.handle = opened
        self.algorithm = algo
    }

    private init(handle: gcry_md_hd_t, algorithm: Int32) {
        self.handle = handle
        self.algorithm = algorithm
    }

    deinit {
        gcry_md_close(handle)
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        gcry_md_write(handle, bytes.baseAddress, bytes.count)
    }

    /// An independent copy of the running state.
    func copy() -> GcryptDigest {
        var copied: gcry_md_hd_t?
        let code = gcry_md_copy(&copied, handle)
        guard code == 0, let copied else {
            // Only an out-of-memory condition makes gcry_md_copy fail.
            fatalError("\(Gcrypt.error(code, "gcry_md_copy"))")
        }
        return GcryptDigest(handle: copied, algorithm: algorithm)
    }

    /// Finalises this handle and returns the digest; the handle must not be written again.
    func consumeDigest() -> [UInt8] {
        let length = Int(gcry_md_get_algo_dlen(algorithm))
        guard let digest = gcry_md_read(handle, algorithm) else {
            fatalError("gcry_md_read returned no digest for algorithm \(algorithm)")
        }
        return Array(UnsafeBufferPointer(start: digest, count: length))
    }
}

/// A running digest with value semantics, shared by `SM3Hasher` and `HMACSM3`: copying forks
/// the state, and the libgcrypt context is duplicated only when a shared copy is written to.
struct DigestStream: Sendable {
    private var context: GcryptDigest

    init(_ context: GcryptDigest) { self.context = context }

    mutating func update<D: DataProtocol>(data: D) {
        if !isKnownUniquelyReferenced(&context) {
            context = context.copy()
        }
        let context = self.context
        data.forEachRegion { context.write($0) }
    }

    /// The digest of everything fed so far; the stream stays usable.
    func finalize() -> [UInt8] {
        context.copy().consumeDigest()
    }

    /// The digest without copying the context, for a stream nobody will use again.
    consuming func finish() -> [UInt8] {
        context.consumeDigest()
    }
}
