import COpenSSL
import Foundation

/// Helpers around libcrypto's per-thread error queue and memory BIOs.
enum OpenSSL {
    /// Drops stale entries so an error we report is the one the failed call queued.
    static func clearErrors() {
        ERR_clear_error()
    }

    /// An `AnyunCryptoError` for a failed `operation`, carrying (and draining) the
    /// OpenSSL error queue of this thread.
    static func error(_ operation: String, kind: AnyunCryptoError.Kind = .library) -> AnyunCryptoError {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            let reason = buffer.withUnsafeMutableBufferPointer { pointer -> String in
                ERR_error_string_n(code, pointer.baseAddress, pointer.count)
                return String(cString: pointer.baseAddress!)
            }
            reasons.append(reason)
        }
        let detail = reasons.isEmpty ? "no OpenSSL error was queued" : reasons.joined(separator: "; ")
        return AnyunCryptoError(kind, "\(operation) failed (OpenSSL: \(detail))")
    }

    /// Runs `body` with a read-only memory BIO over `bytes`.
    static func withReadBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw error("BIO_new_mem_buf")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `write` against a fresh memory BIO and returns what it wrote.
    static func collectBIO(_ operation: String, _ write: (OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw error("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw error(operation) }
        var contents: UnsafeMutablePointer<CChar>?
        let length = anyun_bio_mem_contents(bio, &contents)
        guard length > 0, let contents else { throw error(operation) }
        return contents.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}
