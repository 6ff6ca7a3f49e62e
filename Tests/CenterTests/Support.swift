import AnyunCore
import AnyunCrypto
import AnyunStore
import Center
import Foundation
import Synchronization
import XCTest

/// A clock the tests move by hand, shared by the store and the centre.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
    func set(_ date: Date) { value.withLock { $0 = date } }
    var reader: @Sendable () -> Date { { [self] in now } }
}

/// 2025-06-10 10:00 in Beijing (UTC+8).
let defaultStart = Date(timeIntervalSince1970: 1_749_520_800)

/// An instant in Beijing time.
func beijing(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 10, _ minute: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
}

/// One logged-in account: its secrets and the principal the real authentication path produced.
struct Account {
    var username: String
    var password: String
    var totpSecret: String?
    var user: UserAccount
    var token: String
    var principal: Principal
}

/// A centre on a fresh data directory with an injectable clock.
struct Harness {
    static let password = "Correct#Horse9"
    let directory: URL
    let clock: TestClock
    let store: SQLiteStore
    let keys: CenterKeys
    let center: Center

    init(testCase: XCTestCase, start: Date = defaultStart, settings: CenterSettings? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-center-\(UUID().uuidString)")
        clock = TestClock(start)
        store = try SQLiteStore(directory: directory, now: clock.reader)
        keys = try CenterKeys.loadOrCreate(in: directory)
        var s = settings ?? CenterSettings()
        s.hasher = .fastForTests
        center = Center(store: store, keys: keys, settings: s, now: clock.reader)
        let dir = directory
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    }

    func code(_ secret: String) -> String {
        TOTP(secret: Base32.decode(secret)!).code(at: clock.now)
    }

    /// Creates a user through the user service (acting as the system, as the first start does).
    func createUser(_ role: Role, unit: Int64? = nil, username: String? = nil) async throws -> (CreatedUser, String) {
        let name = username ?? "\(role.rawValue.prefix(3))\(UUID().uuidString.prefix(8).lowercased())"
        let created = try await center.users.create(NewUserRequest(username: name, displayName: "测试 \(role.chineseName)", role: role.rawValue,
                                                                   unitID: unit, password: Self.password), actor: .system)
        return (created, name)
    }

    /// Creates an account and logs it in through `auth.login` → `auth.authenticate`.
    func account(_ role: Role, unit: Int64? = nil, username: String? = nil, source: String = "198.51.100.7") async throws -> Account {
        let (created, name) = try await createUser(role, unit: unit, username: username)
        let secret = created.totp?.secret
        let login = try await center.auth.login(username: name, password: Self.password, totp: secret.map(code), source: source)
        let principal = try await center.auth.authenticate(login.token, source: source)
        return Account(username: name, password: Self.password, totpSecret: secret, user: created.user, token: login.token,
                       principal: principal)
    }

    var databasePath: String { directory.appendingPathComponent("anyun.sqlite").path }

    /// Runs SQL through the `sqlite3` command, as someone with access to the file would.
    @discardableResult
    func sqlite(_ sql: String) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-bail", "-cmd", ".timeout 5000", databasePath, sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    func hostCount() async throws -> Int {
        try await store.hosts(HostQuery(), scope: .allUnits).total
    }

    func auditHead() async throws -> Int64 { try await store.auditHead()?.seq ?? 0 }

    func lastAudit() async throws -> AuditRecord? {
        try await store.auditRecords(AuditQuery(), page: PageRequest(offset: 0, limit: 1)).items.first
    }
}

/// Two units with a system and a host each, and a logged-in security administrator.
struct Scene {
    let h: Harness
    let sec: Account
    let unitA: GovUnit, unitB: GovUnit
    let systemA: BusinessSystem, systemB: BusinessSystem
    let hostA: CloudHost, hostB: CloudHost

    init(_ h: Harness) async throws {
        self.h = h
        sec = try await h.account(.securityAdmin, username: "secadmin", source: "10.9.8.7")
        let p = sec.principal
        unitA = try await h.center.registry.createUnit(UnitDraft(name: "市公安局", creditCode: creditCode(serial: 1), contactName: "张伟",
                                                                 contactPhone: "0531-88880001"), by: p)
        unitB = try await h.center.registry.createUnit(UnitDraft(name: "市教育局", creditCode: creditCode(serial: 2), contactName: "王芳",
                                                                 contactPhone: "0531-88880002"), by: p)
        systemA = try await h.center.registry.createSystem(SystemDraft(unitID: unitA.id, name: "门户网站", level: 3,
            filingNumber: "37010099001-20001", securityDomain: "互联网区", owner: "张伟"), by: p)
        systemB = try await h.center.registry.createSystem(SystemDraft(unitID: unitB.id, name: "门户网站", level: 2,
            filingNumber: "37010099002-20001", securityDomain: "互联网区", owner: "王芳"), by: p)
        hostA = try await h.center.registry.createHost(HostDraft(systemID: systemA.id, hostname: "web-a", ips: ["10.1.0.10"],
                                                                 os: "麒麟 V10", platform: "浪潮云"), by: p)
        hostB = try await h.center.registry.createHost(HostDraft(systemID: systemB.id, hostname: "web-b", ips: ["10.2.0.10"],
                                                                 os: "统信 UOS", platform: "华为云"), by: p)
    }
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

extension CenterError {
    /// The case, to compare without the (translated) message.
    var kind: String {
        switch self {
        case .validation: "validation"
        case .importRejected: "importRejected"
        case .notFound: "notFound"
        case .conflict: "conflict"
        case .versionConflict: "versionConflict"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .locked: "locked"
        case .immutable: "immutable"
        case .internalFailure: "internalFailure"
        }
    }

    /// The fields the error blames.
    var fields: [String] {
        switch self {
        case .validation(let errors): errors.map(\.field)
        case .conflict(let e): [e.field]
        case .importRejected(let errors): errors.map(\.field)
        default: []
        }
    }
}

/// The centre error an async call throws; a failure if it returns or throws something else.
func centerError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> CenterError? {
    do {
        let value = try await body()
        XCTFail("expected a CenterError, got \(value)", file: file, line: line)
        return nil
    } catch let e as CenterError {
        return e
    } catch {
        XCTFail("expected a CenterError, got \(type(of: error)): \(error)", file: file, line: line)
        return nil
    }
}

/// Asserts that the call is refused with the given kind of centre error (and, if given, blaming these fields).
func assertRefused<T>(_ kind: String, fields: [String]? = nil, _ message: String = "", file: StaticString = #filePath, line: UInt = #line,
                      _ body: () async throws -> T) async {
    guard let error = await centerError(body, file: file, line: line) else { return }
    XCTAssertEqual(error.kind, kind, "\(message) — \(error)", file: file, line: line)
    if let fields { XCTAssertEqual(error.fields, fields, "\(message) — \(error)", file: file, line: line) }
}

/// Bytes of a text in another encoding, made by the system's `iconv` as a spreadsheet program would.
func iconv(_ text: String, to encoding: String) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
    process.arguments = ["-f", "UTF-8", "-t", encoding]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteInapplicableStringEncoding) }
    return Array(data)
}
