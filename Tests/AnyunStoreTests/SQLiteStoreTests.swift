import AnyunCore
import AnyunStore
import Foundation
import XCTest

final class SQLiteStoreTests: XCTestCase {
    func testMigrationsCatalogAndReopening() async throws {
        let f = try StoreFixture(testCase: self)
        XCTAssertEqual(try f.store.appliedMigrations(), ["v1-centre"])
        let catalog = try await f.store.catalog()
        XCTAssertEqual(Set(catalog.map(\.service)), Set(ServiceKind.allCases))
        XCTAssertEqual(catalog.count, 13)
        XCTAssertTrue(catalog.allSatisfy { $0.enabled && $0.unitPrice == $0.service.defaultPrice && $0.version == 1 })
        XCTAssertEqual(catalog.first { $0.service == .localBackup }?.meteringUnit, .gbMonth)

        let unit = try await f.unit("市公安局", serial: 1)
        let waf = try await f.store.updateCatalogEntry(.waf, price: Fen(123_456), description: "按站点", enabled: true, effectiveFrom: Day(year: 2026, month: 1, day: 1)!,
                                                       expectedVersion: 1, by: f.actor)
        XCTAssertEqual(waf.version, 2)

        // Opening the same directory again migrates nothing and re-seeds nothing.
        let again = try SQLiteStore(directory: f.directory, now: f.clock.reader)
        XCTAssertEqual(try again.appliedMigrations(), ["v1-centre"])
        let reread = try await again.unit(id: unit.id, scope: .allUnits)
        XCTAssertEqual(reread?.name, "市公安局")
        let price = try await again.catalog().first { $0.service == .waf }?.unitPrice
        XCTAssertEqual(price, Fen(123_456))
        let mode = try f.sqlite("PRAGMA journal_mode;")
        XCTAssertEqual(mode.output.trimmingCharacters(in: .whitespacesAndNewlines), "wal")
    }

    func testEveryWriteRecordsItsAuditEntryAndAFailedWriteRecordsNothing() async throws {
        let f = try StoreFixture(testCase: self)
        f.clock.advance(0.123456)
        let unit = try await f.unit("市公安局", serial: 1)
        let records = try await f.store.auditRecords(AuditQuery(), page: PageRequest()).items
        let record = try XCTUnwrap(records.first)
        XCTAssertEqual(record.seq, 1)
        XCTAssertEqual(record.action, "unit.create")
        XCTAssertEqual(record.targetID, String(unit.id))
        XCTAssertEqual(record.actorName, "tester")
        XCTAssertEqual(record.actorRole, "security-admin")
        XCTAssertEqual(record.sourceAddress, "192.0.2.10")
        XCTAssertEqual(record.time.timeIntervalSince1970, f.clock.now.timeIntervalSince1970, accuracy: 0.000_001)
        XCTAssertNil(record.before)
        XCTAssertTrue(record.after?.contains("\"name\":\"市公安局\"") == true, record.after ?? "")
        XCTAssertEqual(record.previousHash, String(repeating: "0", count: 64))

        // Refused writes leave neither a row nor a trail record.
        let error = await thrownError { try await f.unit("市公安局", serial: 2) }
        XCTAssertEqual(error as? StoreError, .conflict(FieldError("name", "单位名称已存在 (a unit with this name exists)")))
        let sameCode = await thrownError { try await f.unit("市教育局", serial: 1) }
        guard case .conflict(let field)? = sameCode as? StoreError else { return XCTFail("\(String(describing: sameCode))") }
        XCTAssertEqual(field.field, "creditCode")
        let count = try await f.auditCount()
        XCTAssertEqual(count, 1)
        let total = try await f.store.units(UnitQuery(), scope: .allUnits).total
        XCTAssertEqual(total, 1)
    }

    func testAddressesAreUniquePerSecurityDomain() async throws {
        let f = try StoreFixture(testCase: self)
        let unit = try await f.unit("市公安局", serial: 1)
        let web = try await f.system(unit, "门户网站", domain: "互联网区")
        let office = try await f.system(unit, "协同办公", domain: "政务外网区")
        let a = try await f.host(web, "web-1", ["10.0.0.1"])
        XCTAssertEqual(a.securityDomain, "互联网区", "a host without a domain takes its system's")

        let dup = await thrownError { try await f.host(web, "web-2", ["10.0.0.9", "10.0.0.1"]) }
        guard case .conflict(let field)? = dup as? StoreError else { return XCTFail("\(String(describing: dup))") }
        XCTAssertEqual(field.field, "ips[1]")
        XCTAssertTrue(field.reason.contains("web-1"), "names the host holding the address: \(field.reason)")

        // The same address in another domain is another address.
        let b = try await f.host(office, "oa-1", ["10.0.0.1"])
        XCTAssertEqual(b.securityDomain, "政务外网区")
        // …unless the host is placed explicitly in the first domain.
        let explicit = await thrownError { try await f.host(office, "oa-2", ["10.0.0.1"], domain: "互联网区") }
        XCTAssertNotNil(explicit as? StoreError)

        // Updating a host keeps its own addresses without conflicting with itself, and frees the ones it drops.
        let updated = try await f.store.updateHost(id: a.id, try HostDraft(systemID: web.id, hostname: "web-1", ips: ["10.0.0.1", "10.0.0.2"],
                                                                           os: "UOS", platform: "华为云").validated(),
                                                   expectedVersion: 1, by: f.actor)
        XCTAssertEqual(updated.ips, ["10.0.0.1", "10.0.0.2"])
        XCTAssertEqual(updated.version, 2)
        _ = try await f.store.updateHost(id: a.id, try HostDraft(systemID: web.id, hostname: "web-1", ips: ["10.0.0.3"], os: "UOS",
                                                                 platform: "华为云").validated(), expectedVersion: 2, by: f.actor)
        let reused = try await f.host(web, "web-3", ["10.0.0.1"])
        XCTAssertEqual(reused.ips, ["10.0.0.1"])
        let byIP = try await f.store.hosts(HostQuery(ip: "10.0.0.1"), scope: .allUnits)
        XCTAssertEqual(Set(byIP.items.map(\.hostname)), ["web-3", "oa-1"])
    }

    func testTenantScopeIsAppliedByTheStore() async throws {
        let f = try StoreFixture(testCase: self)
        let a = try await f.unit("市公安局", serial: 1), b = try await f.unit("市教育局", serial: 2)
        let sa = try await f.system(a, "门户网站"), sb = try await f.system(b, "门户网站")
        let ha = try await f.host(sa, "a-1", ["10.1.0.1"]), hb = try await f.host(sb, "b-1", ["10.2.0.1"])
        let scope = TenantScope.unit(a.id)

        let nilUnit = try await f.store.unit(id: b.id, scope: scope)
        let nilSystem = try await f.store.system(id: sb.id, scope: scope)
        let nilHost = try await f.store.host(id: hb.id, scope: scope)
        XCTAssertNil(nilUnit)
        XCTAssertNil(nilSystem)
        XCTAssertNil(nilHost)
        let ownHost = try await f.store.host(id: ha.id, scope: scope)
        XCTAssertEqual(ownHost?.id, ha.id)

        let hosts = try await f.store.hosts(HostQuery(), scope: scope)
        XCTAssertEqual(hosts.items.map(\.id), [ha.id])
        XCTAssertEqual(hosts.total, 1)
        let asked = try await f.store.hosts(HostQuery(unitID: b.id), scope: scope)
        XCTAssertEqual(asked.total, 0)
        XCTAssertTrue(asked.items.isEmpty)
        let bySystem = try await f.store.hosts(HostQuery(systemID: sb.id), scope: scope)
        XCTAssertEqual(bySystem.total, 0, "naming another unit's system does not widen the scope")
        let units = try await f.store.units(UnitQuery(), scope: scope)
        XCTAssertEqual(units.items.map(\.id), [a.id])
        let systems = try await f.store.systems(SystemQuery(unitID: b.id), scope: scope)
        XCTAssertEqual(systems.total, 0)
        let counts = try await f.store.registryCounts(scope: scope)
        XCTAssertEqual(counts, RegistryCounts(units: 1, systems: 1, hosts: 1, activeSubscriptions: 0))
        let all = try await f.store.registryCounts(scope: .allUnits)
        XCTAssertEqual(all, RegistryCounts(units: 2, systems: 2, hosts: 2, activeSubscriptions: 0))
    }

    func testLikeFilterTreatsBackslashAndWildcardsLiterally() async throws {
        let f = try StoreFixture(testCase: self)
        let u = try await f.unit("市公安局", serial: 1)
        let s = try await f.system(u, "门户网站")
        _ = try await f.host(s, "win-1", ["10.0.0.1"], os: #"C:\Windows 100%"#)
        _ = try await f.host(s, "win_2", ["10.0.0.2"], os: "Windows")
        _ = try await f.host(s, "winx3", ["10.0.0.3"], os: "Kylin")
        func names(_ text: String) async throws -> [String] {
            try await f.store.hosts(HostQuery(text: text), scope: .allUnits).items.map(\.hostname)
        }
        let backslash = try await names(#"\W"#)
        XCTAssertEqual(backslash, ["win-1"])
        let percent = try await names("%")
        XCTAssertEqual(percent, ["win-1"])
        let underscore = try await names("_")
        XCTAssertEqual(underscore, ["win_2"])
        let both = try await names("win_")
        XCTAssertEqual(both, ["win_2"])
        let windows = try await names("windows")
        XCTAssertEqual(windows, ["win-1", "win_2"], "still case-insensitive for ASCII")
    }

    func testStaleVersionsAreRefusedAndConcurrentEditsDoNotBothWin() async throws {
        let f = try StoreFixture(testCase: self)
        let u = try await f.unit("市公安局", serial: 1)
        var draft = try UnitDraft(name: "市公安局", creditCode: creditCode(serial: 1), contactName: "李娜", contactPhone: "0531-88880002").validated()
        let first = try await f.store.updateUnit(id: u.id, draft, expectedVersion: 1, by: f.actor)
        XCTAssertEqual(first.version, 2)
        draft.contactName = "王芳"
        let stale = await thrownError { try await f.store.updateUnit(id: u.id, draft, expectedVersion: 1, by: f.actor) }
        XCTAssertEqual(stale as? StoreError, .versionMismatch(entity: "unit", expected: 1, current: 2))
        let kept = try await f.store.unit(id: u.id, scope: .allUnits)
        XCTAssertEqual(kept?.contactName, "李娜")

        let s = try await f.system(u, "门户网站")
        let h = try await f.host(s, "web-1", ["10.0.0.1"])
        let store = f.store, actor = f.actor
        let results = await withTaskGroup(of: Result<CloudHost, any Error>.self) { group in
            for os in ["UOS", "Kylin", "openEuler", "CentOS"] {
                group.addTask {
                    do {
                        let v = try HostDraft(systemID: s.id, hostname: "web-1", ips: ["10.0.0.1"], os: os, platform: "浪潮云").validated()
                        return .success(try await store.updateHost(id: h.id, v, expectedVersion: 1, by: actor))
                    } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let winners = results.compactMap { try? $0.get() }
        XCTAssertEqual(winners.count, 1, "exactly one of four editors holding version 1 wins")
        for case .failure(let e) in results {
            XCTAssertEqual(e as? StoreError, .versionMismatch(entity: "host", expected: 1, current: 2))
        }
        let stored = try await f.store.host(id: h.id, scope: .allUnits)
        XCTAssertEqual(stored?.os, winners.first?.os)
        XCTAssertEqual(stored?.version, 2)
    }

    func testImportWritesEveryRowOrNone() async throws {
        let f = try StoreFixture(testCase: self)
        let u = try await f.unit("市公安局", serial: 1)
        _ = try await f.system(u, "门户网站")
        let before = try await f.auditCount()
        func row(_ line: Int, _ system: String, _ host: String, _ ip: String) -> HostImportRow {
            HostImportRow(line: line, unitName: "市公安局", systemName: system,
                          draft: HostDraft(hostname: host, ips: [ip], os: "UOS", platform: "浪潮云"))
        }
        let bad = [row(2, "门户网站", "a", "10.0.0.1"), row(3, "无此系统", "b", "10.0.0.2"), row(4, "门户网站", "c", "10.0.0.1"),
                   row(5, "门户网站", "d", "10.0.0.300")]
        let error = await thrownError { try await f.store.importHosts(bad, by: f.actor) }
        let failure = try XCTUnwrap(error as? HostImportFailure, "\(String(describing: error))")
        XCTAssertEqual(failure.errors.map(\.line), [3, 4, 5])
        XCTAssertEqual(failure.errors.map(\.field), ["system", "ips[0]", "ips[0]"])
        let total = try await f.store.hosts(HostQuery(), scope: .allUnits).total
        XCTAssertEqual(total, 0, "the good row was rolled back")
        let afterFailure = try await f.auditCount()
        XCTAssertEqual(afterFailure, before, "nor was anything recorded")

        // By credit code as well as by name; a second run of the same rows changes nothing.
        var good = [row(2, "门户网站", "a", "10.0.0.1"), row(3, "门户网站", "b", "10.0.0.2")]
        good[1].unitName = creditCode(serial: 1).lowercased()
        let summary = try await f.store.importHosts(good, by: f.actor)
        XCTAssertEqual(summary, HostImportSummary(created: 2, updated: 0))
        let again = try await f.store.importHosts(good, by: f.actor)
        XCTAssertEqual(again, HostImportSummary(created: 0, updated: 0))
        good[0].draft.os = "Kylin"
        let changed = try await f.store.importHosts(good, by: f.actor)
        XCTAssertEqual(changed, HostImportSummary(created: 0, updated: 1))
        let a = try await f.store.hosts(HostQuery(text: "Kylin"), scope: .allUnits).items.map(\.hostname)
        XCTAssertEqual(a, ["a"])
    }

    func testUsernamesAreUniqueWhateverTheirCase() async throws {
        let f = try StoreFixture(testCase: self)
        _ = try await f.store.createUser(NewUser(username: "secadmin", displayName: "安全管理员", role: .securityAdmin, unitID: nil,
                                                 passwordHash: "x", sealedTOTPSecret: nil), by: f.actor)
        let dup = await thrownError {
            try await f.store.createUser(NewUser(username: "SecAdmin", displayName: "冒名", role: .auditAdmin, unitID: nil,
                                                 passwordHash: "y", sealedTOTPSecret: nil), by: f.actor)
        }
        guard case .conflict(let field)? = dup as? StoreError else { return XCTFail("\(String(describing: dup))") }
        XCTAssertEqual(field.field, "username")
        // A unit role without a unit violates the schema's own rule and surfaces as a store error, not a raw SQLite one.
        let noUnit = await thrownError {
            try await f.store.createUser(NewUser(username: "orphan", displayName: "x", role: .unitAdmin, unitID: nil,
                                                 passwordHash: "y", sealedTOTPSecret: nil), by: f.actor)
        }
        XCTAssertNotNil(noUnit as? StoreError, "\(String(describing: noUnit))")
        let users = try await f.store.users(role: nil, unitID: nil, page: PageRequest())
        XCTAssertEqual(users.total, 1)
    }

    func testSessionsArePurgedWhenIdle() async throws {
        let f = try StoreFixture(testCase: self)
        let u = try await f.store.createUser(NewUser(username: "viewer", displayName: "v", role: .auditAdmin, unitID: nil,
                                                     passwordHash: "x", sealedTOTPSecret: nil), by: f.actor)
        let t0 = f.clock.now
        try await f.store.createSession(SessionRecord(tokenHash: "old", userID: u.id, createdAt: t0, lastSeenAt: t0, sourceAddress: "a"))
        try await f.store.createSession(SessionRecord(tokenHash: "new", userID: u.id, createdAt: t0, lastSeenAt: t0, sourceAddress: "a"))
        try await f.store.touchSession(tokenHash: "new", at: t0 + 600)
        let purged = try await f.store.purgeSessions(idleBefore: t0 + 300)
        XCTAssertEqual(purged, 1)
        let old = try await f.store.session(tokenHash: "old")
        let new = try await f.store.session(tokenHash: "new")
        XCTAssertNil(old)
        XCTAssertEqual(new?.lastSeenAt, t0 + 600)
    }
}
