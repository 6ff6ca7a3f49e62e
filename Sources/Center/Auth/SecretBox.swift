import AnyunCrypto
import Foundation

/// Seals small secrets at rest (TOTP seeds) with SM4-GCM under the centre's master key, as
/// GB/T 39786 asks for the confidentiality of important data in storage. The row id is bound
/// in as associated data so a sealed value cannot be moved to another account.
public struct SecretBox: Sendable {
    let key: SM4Key

    public init(key: SM4Key) { self.key = key }

    public func seal(_ secret: [UInt8], context: String) throws -> String {
        let box = try SM4.GCM.seal(secret, using: key, authenticating: Array(context.utf8))
        return "sm4gcm:" + Data(box.combined).base64EncodedString()
    }

    public func open(_ sealed: String, context: String) throws -> [UInt8] {
        guard sealed.hasPrefix("sm4gcm:"), let data = Data(base64Encoded: String(sealed.dropFirst(7))) else {
            throw CenterError.internalFailure("sealed secret has an unknown format")
        }
        let box = try SM4GCMSealedBox(combined: data)
        return try SM4.GCM.open(box, using: key, authenticating: Array(context.utf8))
    }
}
