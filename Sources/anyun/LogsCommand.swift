import AnyunCore
import AnyunCrypto
import ArgumentParser
import Center
import Foundation
import LogAudit

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Check, export, archive and restore the centre's stored logs.",
        subcommands: [Verify.self, Export.self, Archive.self, Restore.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove stored logs intact; exit 0 when they are, 1 naming the first altered, missing or reordered event.")

        @Option(help: "Data directory of the centre.") var data: String?
        @Option(help: "Verify an exported directory instead (needs only the public key in it).") var export: String?
        @Option(help: "First day to check (YYYY-MM-DD).") var from: String?
        @Option(help: "Last day to check (YYYY-MM-DD).") var to: String?

        func run() async throws {
            let report: VerificationReport
            if let export {
                let dir = URL(fileURLWithPath: export)
                let pem = try String(contentsOf: dir.appendingPathComponent(LogExport.publicKeyFile), encoding: .utf8)
                report = try LogExport.verify(directory: dir, verifier: SM2SealVerifier(key: try SM2PublicKey(pemRepresentation: pem)))
            } else {
                let store = try LogStoreOpener.open(data: data ?? "./anyun-data")
                report = try await store.verify(from: try day(from, "--from"), to: try day(to, "--to"))
            }
            for partition in report.partitions {
                let state = partition.sealed ? "sealed" : "open"
                print("\(partition.day)  \(partition.events) events  \(state)  \(partition.problem.map { "FAILED: \($0)" } ?? "ok")")
            }
            if let first = report.problems.first {
                FileHandle.standardError.write(Data("logs NOT intact: \(first)\n".utf8))
                throw ExitCode(1)
            }
            print("logs intact: \(report.eventCount) events in \(report.partitions.count) partitions")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy sealed days with the seal public key, for verification on another machine.")

        @Option(help: "Data directory of the centre.") var data: String = "./anyun-data"
        @Option(help: "First day (YYYY-MM-DD).") var from: String
        @Option(help: "Last day (YYYY-MM-DD).") var to: String
        @Option(help: "Directory to write to.") var out: String

        func run() async throws {
            let dir = URL(fileURLWithPath: data)
            let store = try LogStoreOpener.open(data: data)
            let pem = try CenterKeys.sealPublicKey(in: dir).pemRepresentation
            guard let first = try day(from, "--from"), let last = try day(to, "--to") else { throw ValidationError("--from and --to are required") }
            let summary = try await store.export(from: first, to: last, destination: URL(fileURLWithPath: out), publicKeyPEM: pem)
            print("exported \(summary.exported.count) sealed days to \(out)")
            if !summary.skippedOpen.isEmpty {
                print("not exported (not sealed yet): \(summary.skippedOpen.map(\.description).joined(separator: ", "))")
            }
            print("verify there with: anyun logs verify --export \(out)")
        }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a sealed day out of the live store into an archive directory.")
        @Option(help: "Data directory of the centre.") var data: String = "./anyun-data"
        @Option(help: "The day (YYYY-MM-DD).") var day: String
        @Option(help: "Archive directory.") var to: String

        func run() async throws {
            guard let which = Day(day) else { throw ValidationError("--day must be YYYY-MM-DD, got \(day)") }
            try await LogStoreOpener.open(data: data).archive(day: which, to: URL(fileURLWithPath: to))
            print("archived \(which) to \(to)")
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring an archived day back into the live store after verifying its seal.")
        @Option(help: "Data directory of the centre.") var data: String = "./anyun-data"
        @Option(help: "The day (YYYY-MM-DD).") var day: String
        @Option(help: "Archive directory.") var from: String

        func run() async throws {
            guard let which = Day(day) else { throw ValidationError("--day must be YYYY-MM-DD, got \(day)") }
            try await LogStoreOpener.open(data: data).restore(day: which, from: URL(fileURLWithPath: from))
            print("restored \(which) from \(from)")
        }
    }
}

private func day(_ text: String?, _ flag: String) throws -> Day? {
    guard let text else { return nil }
    guard let day = Day(text) else { throw ValidationError("\(flag) must be a day YYYY-MM-DD, got \(text)") }
    return day
}

/// Opens the event store of a data directory with the centre's keys.
enum LogStoreOpener {
    static func open(data: String) throws -> PartitionedEventStore {
        let dir = URL(fileURLWithPath: data)
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("keys/master.key").path) else {
            throw ValidationError("no centre keys in \(dir.path)/keys: is --data the centre's data directory?")
        }
        let keys = try CenterKeys.loadOrCreate(in: dir)
        return try PartitionedEventStore(directory: dir.appendingPathComponent("logs"),
                                         key: LogChainKey(secret: keys.master.rawRepresentation),
                                         signer: SM2SealSigner(key: keys.auditSeal))
    }
}
