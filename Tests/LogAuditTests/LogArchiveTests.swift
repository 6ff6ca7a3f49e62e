import AnyunCore
import AnyunCrypto
import Foundation
import GRDB
import XCTest
@testable import LogAudit

/// Export for auditors, archive and restore of sealed days, and retention.
final class LogArchiveTests: XCTestCase {
    private var root: URL!
    private let signer = SM2SealSigner(key: try! SM2PrivateKey.generate())
    private let key = LogChainKey(secret: Array("archive test secret".utf8))
    private let day1: Int64 = 1_795_572_000_000_000   // 2026-11-25 10:00 +08:00
    private let dayMicros: Int64 = 86_400_000_000

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("logarchive-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    private func store(_ clock: TestClock) throws -> PartitionedEventStore {
        try PartitionedEventStore(directory: root.appendingPathComponent("logs"), key: key, signer: signer, now: { clock.now })
    }

    private func event(_ t: Int64, _ message: String) -> LogEvent {
        LogEvent(time: t, received: t, transport: .tcp, hostname: "h", app: "app", message: message)
    }

    /// Three days of events: the first two sealed, the third open.
    private func threeDays() async throws -> (PartitionedEventStore, TestClock) {
        let clock = TestClock(day1)
        let store = try store(clock)
        for d in 0..<3 {
            clock.now = day1 + Int64(d) * dayMicros
            _ = try await store.append((0..<10).map { event(clock.now + Int64($0), "day \(d) event \($0)") })
        }
        return (store, clock)
    }

    func testAnExportVerifiesWithThePublicKeyAloneAndCatchesEdits() async throws {
        let (store, _) = try await threeDays()
        let export = root.appendingPathComponent("export")
        let summary = try await store.export(from: Day("2026-11-25")!, to: Day("2026-11-27")!, destination: export,
                                             publicKeyPEM: signer.key.publicKey.pemRepresentation)
        XCTAssertEqual(summary.exported.map(\.description), ["2026-11-25", "2026-11-26"])
        XCTAssertEqual(summary.skippedOpen.map(\.description), ["2026-11-27"], "an open day has no seal yet")

        let pem = try String(contentsOf: export.appendingPathComponent(LogExport.publicKeyFile), encoding: .utf8)
        let verifier = SM2SealVerifier(key: try SM2PublicKey(pemRepresentation: pem))
        let clean = try LogExport.verify(directory: export, verifier: verifier)
        XCTAssertTrue(clean.isIntact, "\(clean.problems)")
        XCTAssertEqual(clean.eventCount, 20)

        try PartitionTampering.editBlock(export.appendingPathComponent("2026-11-26.db"), containing: 5) {
            $0[$0.firstIndex { $0.record.seq == 5 }!].record.message = "edited"
        }
        let edited = try LogExport.verify(directory: export, verifier: verifier)
        XCTAssertEqual(edited.problems, [.sealMismatch(day: "2026-11-26")], "without the chain key the seal still catches the edit")

        let stranger = SM2SealVerifier(key: try SM2PrivateKey.generate().publicKey)
        let forged = try LogExport.verify(directory: export, verifier: stranger)
        XCTAssertTrue(forged.problems.contains(.sealInvalid(day: "2026-11-25")), "another key's seal is not accepted")
    }

    func testArchiveThenRestoreKeepsEverythingSearchableAndVerifiable() async throws {
        let (store, _) = try await threeDays()
        let archive = root.appendingPathComponent("archive")
        try await store.archive(day: Day("2026-11-25")!, to: archive)
        var report = try await store.verify()
        XCTAssertTrue(report.isIntact, "an archived day is not reported missing: \(report.problems)")
        let all = EventFilter(from: 0, to: .max, units: .any)
        var count = try await store.count(all)
        XCTAssertEqual(count, 20)

        do {
            try await store.archive(day: Day("2026-11-27")!, to: archive)
            XCTFail("an open day cannot be archived")
        } catch let error as LogStoreError {
            XCTAssertEqual(error, .notArchived(day: "2026-11-27"))
        }

        try await store.restore(day: Day("2026-11-25")!, from: archive)
        count = try await store.count(all)
        XCTAssertEqual(count, 30)
        report = try await store.verify()
        XCTAssertTrue(report.isIntact, "\(report.problems)")

        // A tampered archive is refused and the live store is left as it was.
        try await store.archive(day: Day("2026-11-26")!, to: archive)
        try PartitionTampering.editBlock(archive.appendingPathComponent("2026-11-26.db"), containing: 2) {
            $0.removeAll { $0.record.seq == 2 }
        }
        do {
            try await store.restore(day: Day("2026-11-26")!, from: archive)
            XCTFail("a tampered archive must be refused")
        } catch let error as LogStoreError {
            XCTAssertTrue(error.description.contains("fails verification"), error.description)
        }
        count = try await store.count(all)
        XCTAssertEqual(count, 20)
    }

    func testRetentionNeverGoesBelow180DaysAndDropsOnlySealedOldDays() async throws {
        let (store, _) = try await threeDays()
        do {
            _ = try await store.applyRetention(days: 30, archive: nil)
            XCTFail("retention below the legal minimum is refused")
        } catch let error as LogStoreError {
            XCTAssertEqual(error, .retentionTooShort(days: 30))
        }
        // Today (the real date) is far from 2026-11-25 only if the clock says so; with 180 days
        // nothing written "today" is old enough, so nothing is dropped.
        let dropped = try await store.applyRetention(days: 180, archive: nil)
        let expected = Day(secondsSince1970: Date().timeIntervalSince1970) > Day("2026-11-25")!.adding(days: 180) ? 2 : 0
        XCTAssertEqual(dropped.count, expected)
        let report = try await store.verify()
        XCTAssertTrue(report.isIntact, "a dropped day is recorded as dropped, not missing: \(report.problems)")
    }
}
