import AnyunCore
import AnyunStore
import Foundation
import Synchronization
import XCTest

/// A clock the tests move by hand.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
    func set(_ date: Date) { value.withLock { $0 = date } }
    var reader: @Sendable () -> Date { { [self] in now } }
}

/// 2025-06-10 10:00 in Beijing.
let defaultStart = Date(timeIntervalSince1970: 1_749_520_800)

/// A fresh store in its own temporary directory, removed when the test ends.
struct StoreFixture {
    let directory: URL
    let clock: TestClock
    let store: SQLiteStore
    let actor = AuditActor(id: 7, name: "tester", role: "security-admin", sourceAddress: "192.0.2.10")

    init(testCase: XCTestCase) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-store-\(UUID().uuidString)")
        clock = TestClock(defaultStart)
        store = try SQLiteStore(directory: directory, now: clock.reader)
        let dir = directory
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    }

    var databasePath: String { directory.appendingPathComponent("anyun.sqlite").path }

    /// Runs SQL through the `sqlite3` command, as someone with access to the file would.
    @discardableResult
    func sqlite(_ sql: String) throws -> (status: Int32, output: String, error: String) {
        try runSQLite(path: databasePath, sql)
    }

    func unit(_ name: String, serial: Int) async throws -> GovUnit {
        let code = creditCode(serial: serial)
        return try await store.createUnit(try UnitDraft(name: name, creditCode: code, contactName: "张伟",
                                                        contactPhone: "0531-88880001").validated(), by: actor)
    }

    func system(_ unit: GovUnit, _ name: String, domain: String = "政务外网区", level: Int = 3) async throws -> BusinessSystem {
        try await store.createSystem(try SystemDraft(unitID: unit.id, name: name, level: level, filingNumber: "37010099001-20001",
                                                     securityDomain: domain, owner: "张伟").validated(), by: actor)
    }

    func host(_ system: BusinessSystem, _ hostname: String, _ ips: [String], domain: String = "", os: String = "麒麟 V10",
              state: String = "active") async throws -> CloudHost {
        try await store.createHost(try HostDraft(systemID: system.id, hostname: hostname, ips: ips, os: os, platform: "浪潮云",
                                                 securityDomain: domain, state: state).validated(), by: actor)
    }

    func auditCount() async throws -> Int64 { try await store.auditHead()?.seq ?? 0 }
}

func runSQLite(path: String, _ sql: String) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = ["-bail", "-cmd", ".timeout 5000", path, sql]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
}

/// A valid unified social credit code of a government organ in region 370100, with its check character
/// computed here from GB 32100 (weights 3^i mod 31).
func creditCode(serial: Int) -> String {
    let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    let body = Array("11370100MB" + String(format: "%07d", serial))
    var sum = 0, weight = 1
    for c in body {
        sum += alphabet.firstIndex(of: c)! * weight
        weight = weight * 3 % 31
    }
    let check = 31 - sum % 31
    return String(body) + String(alphabet[check == 31 ? 0 : check])
}

/// The error an async call throws, or a test failure if it returns.
func thrownError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> (any Error)? {
    do {
        let value = try await body()
        XCTFail("expected an error, got \(value)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}
