import AnyunCrypto
import Foundation
import XCTest

/// SM2 against the `openssl` command, both directions, with keys `openssl genpkey` made.
final class SM2OpenSSLCrossTests: XCTestCase {
    private let distID = "distid:1234567812345678"

    private func opensslKeyPair(in scratch: ScratchDirectory) throws -> (privatePEM: URL, publicPEM: URL) {
        let privatePEM = scratch.file("key.pem"), publicPEM = scratch.file("pub.pem")
        try ExternalTools.openssl(["genpkey", "-algorithm", "SM2", "-out", privatePEM.path])
        try ExternalTools.openssl(["pkey", "-in", privatePEM.path, "-pubout", "-out", publicPEM.path])
        return (privatePEM, publicPEM)
    }

    func testWeLoadOpenSSLKeysAndTheySignWeVerify() throws {
        let scratch = try ScratchDirectory()
        let (privatePEM, publicPEM) = try opensslKeyPair(in: scratch)
        let privateKey = try SM2PrivateKey(pemRepresentation: String(contentsOf: privatePEM, encoding: .utf8))
        let publicKey = try SM2PublicKey(pemRepresentation: String(contentsOf: publicPEM, encoding: .utf8))
        XCTAssertEqual(privateKey.publicKey, publicKey)

        let message = scratch.file("msg")
        try Data("signed by openssl pkeyutl".utf8).write(to: message)
        try ExternalTools.openssl(["pkeyutl", "-sign", "-inkey", privatePEM.path, "-rawin", "-digest", "sm3",
                                   "-pkeyopt", distID, "-in", message.path, "-out", scratch.file("sig").path])
        let signature = try scratch.read("sig")
        XCTAssertTrue(publicKey.isValidSignature(signature, for: try Data(contentsOf: message)))
        XCTAssertFalse(publicKey.isValidSignature(signature, for: Data("something else".utf8)))
    }

    func testWeSignOpenSSLVerifies() throws {
        let scratch = try ScratchDirectory()
        let key = try SM2PrivateKey.generate()
        let publicPEM = try scratch.write("pub.pem", Data(key.publicKey.pemRepresentation.utf8))
        let message = try scratch.write("msg", Data("signed by AnyunCrypto".utf8))
        let signature = try scratch.write("sig", key.sign(try Data(contentsOf: message)))
        let verify = ["pkeyutl", "-verify", "-pubin", "-inkey", publicPEM.path, "-rawin", "-digest", "sm3",
                      "-pkeyopt", distID, "-in", message.path, "-sigfile", signature.path]
        XCTAssertTrue(try ExternalTools.openssl(verify).stdoutText.contains("Signature Verified Successfully"))

        // A signature under another user ID must not verify with the default one.
        try key.sign(Data(contentsOf: message), userID: Array("someone-else".utf8)).write(to: signature)
        XCTAssertNotEqual(try ExternalTools.run(ExternalTools.openssl(), verify).status, 0)
    }

    func testOpenSSLEncryptsWeDecrypt() throws {
        let scratch = try ScratchDirectory()
        let (privatePEM, publicPEM) = try opensslKeyPair(in: scratch)
        let plaintext = Data((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let input = try scratch.write("plain", plaintext)
        try ExternalTools.openssl(["pkeyutl", "-encrypt", "-pubin", "-inkey", publicPEM.path,
                                   "-in", input.path, "-out", scratch.file("ct").path])
        let key = try SM2PrivateKey(pemRepresentation: String(contentsOf: privatePEM, encoding: .utf8))
        XCTAssertEqual(try key.decrypt(scratch.read("ct")), plaintext)
    }

    func testWeEncryptOpenSSLDecryptsWithOurExportedKey() throws {
        let scratch = try ScratchDirectory()
        let key = try SM2PrivateKey.generate()
        let privatePEM = try scratch.write("key.pem", Data(key.pemRepresentation.utf8))
        let plaintext = Data("to be read by openssl".utf8)
        let ciphertext = try scratch.write("ct", key.publicKey.encrypt(plaintext))
        let run = try ExternalTools.openssl(["pkeyutl", "-decrypt", "-inkey", privatePEM.path, "-in", ciphertext.path])
        XCTAssertEqual(run.stdout, plaintext)
    }

    func testSEC1KeyOnTheSM2CurveLoadsAndOtherCurvesAreRefused() throws {
        let scratch = try ScratchDirectory()
        let sec1 = scratch.file("sec1.pem"), p256 = scratch.file("p256.pem")
        try ExternalTools.openssl(["ecparam", "-name", "SM2", "-genkey", "-noout", "-out", sec1.path])
        let key = try SM2PrivateKey(pemRepresentation: String(contentsOf: sec1, encoding: .utf8))
        let message = try scratch.write("msg", Data("sec1".utf8))
        let signature = try scratch.write("sig", key.sign(Data("sec1".utf8)))
        let publicPEM = try scratch.write("pub.pem", Data(key.publicKey.pemRepresentation.utf8))
        try ExternalTools.openssl(["pkeyutl", "-verify", "-pubin", "-inkey", publicPEM.path, "-rawin", "-digest", "sm3",
                                   "-pkeyopt", distID, "-in", message.path, "-sigfile", signature.path])

        try ExternalTools.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p256.path])
        XCTAssertThrowsError(try SM2PrivateKey(pemRepresentation: String(contentsOf: p256, encoding: .utf8))) {
            XCTAssertEqual(($0 as? AnyunCryptoError)?.kind, .invalidKey)
            XCTAssertTrue("\($0)".contains("not an SM2 key"), "\($0)")
        }
    }
}
