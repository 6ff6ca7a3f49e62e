import AnyunCore
import Crypto
import _CryptoExtras
import Foundation

/// Stores passwords with scrypt (RFC 7914) from swift-crypto's `_CryptoExtras`, in a
/// self-describing string so the cost can be raised later without invalidating old hashes:
/// `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`.
public struct PasswordHasher: Sendable {
    public var logN: Int
    public var blockSize: Int
    public var parallelism: Int

    /// N = 2^15, r = 8, p = 1: 32 MiB and ~0.1 s per hash here; slow for guessers, fine for logins.
    public static let standard = PasswordHasher(logN: 15, blockSize: 8, parallelism: 1)
    /// For tests only: the same code path at a cost that keeps suites fast.
    public static let fastForTests = PasswordHasher(logN: 10, blockSize: 8, parallelism: 1)

    public init(logN: Int, blockSize: Int, parallelism: Int) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    public func hash(_ password: String) throws -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let derived = try derive(password, salt: salt, logN: logN, r: blockSize, p: parallelism)
        return "scrypt$\(logN)$\(blockSize)$\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              (10...20).contains(logN), (1...32).contains(r), (1...16).contains(p),
              let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
              let derived = try? derive(password, salt: Array(salt), logN: logN, r: r, p: p) else { return false }
        return derived.count == expected.count && zip(derived, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func derive(_ password: String, salt: [UInt8], logN: Int, r: Int, p: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32,
                                          rounds: 1 << logN, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Array($0) }
    }
}

/// The complexity rule of MLPS level 3 (8.1.4.1 a): long enough, several character classes,
/// not the account name.
public struct PasswordPolicy: Sendable, Equatable {
    public var minLength: Int = 10
    public var minClasses: Int = 3

    public init(minLength: Int = 10, minClasses: Int = 3) {
        self.minLength = minLength
        self.minClasses = minClasses
    }

    public func check(_ password: String, username: String) -> FieldError? {
        if password.count < minLength {
            return FieldError("password", "密码至少 \(minLength) 位 (at least \(minLength) characters)")
        }
        if password.count > 128 { return FieldError("password", "密码过长 (at most 128 characters)") }
        let classes = [
            password.contains(where: { $0.isASCII && $0.isLowercase }),
            password.contains(where: { $0.isASCII && $0.isUppercase }),
            password.contains(where: { $0.isASCII && $0.isNumber }),
            password.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }),
        ].filter { $0 }.count
        if classes < minClasses {
            return FieldError("password", "密码需包含大写字母、小写字母、数字、特殊字符中的至少 \(minClasses) 类 (needs \(minClasses) character classes)")
        }
        if !username.isEmpty && password.lowercased().contains(username.lowercased()) {
            return FieldError("password", "密码不能包含用户名 (must not contain the username)")
        }
        return nil
    }
}
