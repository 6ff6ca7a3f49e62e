/// The one error type of AnyunCrypto.
///
/// `kind` lets callers branch (for example an HTTP layer maps `.authenticationFailure`
/// to 400 and `.library` to 500); `description` is meant for people and carries the
/// underlying OpenSSL or libgcrypt error string when there is one.
public struct AnyunCryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// A key, IV, nonce, counter or tag has the wrong length.
        case invalidLength
        /// Input that should be a PEM, DER, point or ciphertext is not.
        case invalidEncoding
        /// A key is not an SM2 key or is out of range.
        case invalidKey
        /// CBC padding is not valid PKCS#7.
        case invalidPadding
        /// GCM tag or SM2 ciphertext integrity check failed.
        case authenticationFailure
        /// The C library reported an error that is not the caller's input.
        case library
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "AnyunCrypto \(kind.rawValue): \(message)" }
}
