import CGcrypt
import COpenSSL

/// Which C libraries do the work, for version reports and compliance evidence.
///
/// AnyunCrypto routes SM3/HMAC-SM3/SM4 through libgcrypt (its AES-NI/AVX2 SM4 and SM3
/// paths are several times faster than OpenSSL 3.0's, which also lacks SM4-GCM) and SM2
/// through OpenSSL 3 (which computes the SM2 user-ID digest Z itself). SHA-2, HMAC and
/// AES-GCM come from swift-crypto, which callers import directly.
public enum CryptoBackends {
    /// The libgcrypt version in use at run time (initialises libgcrypt if needed).
    public static var libgcryptVersion: String { Gcrypt.version }

    /// The OpenSSL libcrypto version in use at run time.
    public static var openSSLVersion: String {
        String(cString: OpenSSL_version(OPENSSL_VERSION))
    }
}
