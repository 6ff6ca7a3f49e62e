import CGcrypt
import Foundation

/// SM3 (GB/T 32905-2016), computed by libgcrypt.
public enum SM3 {
    /// Digest length in bytes.
    public static let byteCount = 32

    /// The SM3 digest of `data` (32 bytes).
    public static func hash<D: DataProtocol>(_ data: D) -> [UInt8] {
        // One contiguous region (the usual Data/[UInt8] case) goes through libgcrypt's
        // handle-free fast path; anything else streams region by region.
        let regions = data.regions
        if regions.isEmpty {
            return hashContiguous(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        if regions.count == 1, let region = regions.first {
            return region.withUnsafeBytes(hashContiguous)
        }
        var hasher = SM3Hasher()
        hasher.update(data: data)
        return hasher.finalize()
    }

    private static func hashContiguous(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Gcrypt.ensureInitialized()
        var digest = [UInt8](repeating: 0, count: byteCount)
        digest.withUnsafeMutableBytes { out in
            gcry_md_hash_buffer(Int32(GCRY_MD_SM3.rawValue), out.baseAddress, bytes.baseAddress, bytes.count)
        }
        return digest
    }
}

/// Incremental SM3.
///
/// A value type: copying a hasher forks the running state (copy-on-write), so one
/// prefix can be hashed once and finished in several ways.
public struct SM3Hasher: Sendable {
    private var state: DigestStream

    public init() {
        do {
            state = DigestStream(try GcryptDigest(algorithm: GCRY_MD_SM3))
        } catch {
            // Opening a plain SM3 context only fails when libgcrypt lacks SM3 or memory
            // is exhausted; neither is something a caller can handle.
            fatalError("\(error)")
        }
    }

    public mutating func update<D: DataProtocol>(data: D) {
        state.update(data: data)
    }

    /// The digest of everything fed so far; the hasher stays usable.
    public func finalize() -> [UInt8] {
        state.finalize()
    }
}
