import AnyunStore
import ArgumentParser
import AnyunCrypto
import Center
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Work with the tamper-evident audit trail.",
                                                    subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the SM3 hash chain and SM2 seals; exit 0 when intact, 1 naming the first bad record.")

        @Option(help: "Data directory of the centre.") var data: String = "./anyun-data"
        @Option(help: "SM2 public key (PEM) to check seals with; default DATA/keys/audit-seal.pub.pem.") var key: String?

        func run() async throws {
            let dir = URL(fileURLWithPath: data)
            guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("anyun.sqlite").path) else {
                throw ValidationError("no centre database in \(dir.path)")
            }
            let publicKey = try key.map { try SM2PublicKeyLoader.load($0) } ?? CenterKeys.sealPublicKey(in: dir)
            let store = try SQLiteStore(directory: dir)
            let result = try await AuditVerifier(store: store, sealKey: publicKey).verify()
            if let problem = result.problem {
                FileHandle.standardError.write(Data("audit trail NOT intact: \(problem.description)\nfirst bad record: \(problem.seq)\n".utf8))
                throw ExitCode(1)
            }
            print("audit trail intact: \(result.recordsChecked) records, \(result.sealsChecked) seals, head at \(result.lastSeq)")
        }
    }
}

enum SM2PublicKeyLoader {
    static func load(_ path: String) throws -> AnyunCrypto.SM2PublicKey {
        try AnyunCrypto.SM2PublicKey(pemRepresentation: String(contentsOfFile: path, encoding: .utf8))
    }
}
