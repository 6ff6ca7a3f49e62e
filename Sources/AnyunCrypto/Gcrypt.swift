import CGcrypt

/// Process-wide libgcrypt bootstrap.
///
/// libgcrypt must be initialised exactly once before first use. A `static let` is
/// initialised lazily through `swift_once`, which is thread-safe, so every entry point
/// just touches `Gcrypt.ready` first.
enum Gcrypt {
    /// The runtime libgcrypt version, once initialised.
    static let version: String = {
        guard let version = anyun_gcry_initialize() else {
            let wanted = String(cString: anyun_gcry_header_version())
            // Running against an older libgcrypt than we were built with is a broken
            // installation, not a recoverable condition.
            fatalError("libgcrypt runtime is older than the headers (\(wanted)); reinstall libgcrypt20")
        }
        return String(cString: version)
    }()

    @inline(__always)
    static func ensureInitialized() {
        _ = version
    }

    /// Throws an `AnyunCryptoError` carrying libgcrypt's message if `code` is not success.
    static func check(_ code: gcry_error_t, _ operation: @autoclosure () -> String,
                      kind: AnyunCryptoError.Kind = .library) throws {
        guard code != 0 else { return }
        throw error(code, operation(), kind: kind)
    }

    static func error(_ code: gcry_error_t, _ operation: String,
                      kind: AnyunCryptoError.Kind = .library) -> AnyunCryptoError {
        let reason = String(cString: gcry_strerror(code))
        let source = String(cString: gcry_strsource(code))
        return AnyunCryptoError(kind, "\(operation) failed: \(reason) (libgcrypt \(source), code \(gcry_err_code(code).rawValue))")
    }
}
