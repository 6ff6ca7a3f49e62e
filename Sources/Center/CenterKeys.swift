import AnyunCrypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The centre's own keys, kept in `DATA/keys/` readable by its owner only:
/// - `master.key`: SM4 key that seals secrets at rest (TOTP seeds);
/// - `audit-seal.pem` / `audit-seal.pub.pem`: SM2 key pair that signs the audit trail's head.
public struct CenterKeys: Sendable {
    public let master: SM4Key
    public let auditSeal: SM2PrivateKey

    public init(master: SM4Key, auditSeal: SM2PrivateKey) {
        self.master = master
        self.auditSeal = auditSeal
    }

    /// Loads the keys, creating any that do not exist yet.
    public static func loadOrCreate(in dataDirectory: URL) throws -> CenterKeys {
        let dir = dataDirectory.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let masterURL = dir.appendingPathComponent("master.key")
        let master: SM4Key
        if let data = FileManager.default.contents(atPath: masterURL.path) {
            master = try SM4Key(bytes: data)
        } else {
            master = SM4Key.random()
            try writeSecret(Data(master.rawRepresentation), to: masterURL)
        }
        let sealURL = dir.appendingPathComponent("audit-seal.pem")
        let seal: SM2PrivateKey
        if let pem = try? String(contentsOf: sealURL, encoding: .utf8) {
            seal = try SM2PrivateKey(pemRepresentation: pem)
        } else {
            seal = try SM2PrivateKey.generate()
            try writeSecret(Data(seal.pemRepresentation.utf8), to: sealURL)
            try Data(seal.publicKey.pemRepresentation.utf8).write(to: dir.appendingPathComponent("audit-seal.pub.pem"))
        }
        return CenterKeys(master: master, auditSeal: seal)
    }

    /// Loads only the public seal key, as a verifier on another machine has it.
    public static func sealPublicKey(in dataDirectory: URL) throws -> SM2PublicKey {
        let url = dataDirectory.appendingPathComponent("keys/audit-seal.pub.pem")
        return try SM2PublicKey(pemRepresentation: String(contentsOf: url, encoding: .utf8))
    }

    /// Written to a temporary file with mode 0600 and renamed, so a crash never leaves half a key.
    public static func writeSecret(_ data: Data, to url: URL) throws {
        let tmp = url.appendingPathExtension("tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CenterError.internalFailure("cannot write \(tmp.path)")
        }
        guard rename(tmp.path, url.path) == 0 else {
            throw CenterError.internalFailure("cannot move \(tmp.path) into place: errno \(errno)")
        }
    }
}
