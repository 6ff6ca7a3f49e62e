import AnyunCore
import AnyunStore
import Center
import Foundation
import XCTest

final class RegistryServiceTests: XCTestCase {
    func testCreatingAUnitSystemAndHost() async throws {
        let s = try await Scene(Harness(testCase: self))
        XCTAssertEqual(s.unitA.creditCode, creditCode(serial: 1))
        XCTAssertEqual(s.systemA.unitID, s.unitA.id)
        XCTAssertEqual(s.hostA.unitID, s.unitA.id, "a host belongs to its system's unit")
        XCTAssertEqual(s.hostA.securityDomain, "互联网区", "and defaults to its system's domain")
        XCTAssertEqual(s.hostA.state, .active)
        XCTAssertEqual(s.hostA.version, 1)
        let read = try await s.h.center.registry.host(s.hostA.id, by: s.sec.principal)
        XCTAssertEqual(read, s.hostA)
        let counts = try await s.h.center.registry.counts(by: s.sec.principal)
        XCTAssertEqual(counts, RegistryCounts(units: 2, systems: 2, hosts: 2, activeSubscriptions: 0))
    }

    func testInvalidDraftsNameTheirFieldsAndStoreNothing() async throws {
        let s = try await Scene(Harness(testCase: self))
        let p = s.sec.principal
        await assertRefused("validation", fields: ["creditCode"]) {
            try await s.h.center.registry.createUnit(UnitDraft(name: "市民政局", creditCode: "11370100MB00000039", contactName: "刘洋",
                                                               contactPhone: "0531-88880003"), by: p)
        }
        await assertRefused("validation", fields: ["level"]) {
            try await s.h.center.registry.createSystem(SystemDraft(unitID: s.unitA.id, name: "新系统", level: 5,
                filingNumber: "37010099001-20002", securityDomain: "互联网区", owner: "张伟"), by: p)
        }
        await assertRefused("conflict", fields: ["unitID"], "unknown unit") {
            try await s.h.center.registry.createSystem(SystemDraft(unitID: 999, name: "新系统", level: 2,
                filingNumber: "37010099001-20002", securityDomain: "互联网区", owner: "张伟"), by: p)
        }
        await assertRefused("conflict", fields: ["name"], "a unit's system names are unique") {
            try await s.h.center.registry.createSystem(SystemDraft(unitID: s.unitA.id, name: "门户网站", level: 2,
                filingNumber: "37010099001-20002", securityDomain: "互联网区", owner: "张伟"), by: p)
        }
        let counts = try await s.h.center.registry.counts(by: p)
        XCTAssertEqual(counts, RegistryCounts(units: 2, systems: 2, hosts: 2, activeSubscriptions: 0))
    }

    func testDuplicateAddressInOneSecurityDomainIsAConflictOnThatAddress() async throws {
        let s = try await Scene(Harness(testCase: self))
        let p = s.sec.principal
        let before = try await s.h.auditHead()
        // systemB is in the same domain (互联网区) although it belongs to another unit.
        await assertRefused("conflict", fields: ["ips[0]"]) {
            try await s.h.center.registry.createHost(HostDraft(systemID: s.systemB.id, hostname: "web-b2", ips: ["10.1.0.10"],
                                                               os: "UOS", platform: "华为云"), by: p)
        }
        await assertRefused("conflict", fields: ["ips[1]"], "the blamed index is the clashing one") {
            try await s.h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "web-a2", ips: ["10.1.0.11", "10.1.0.10"],
                                                               os: "UOS", platform: "华为云"), by: p)
        }
        await assertRefused("validation", fields: ["ips[1]"], "a duplicate within one host is caught before the store") {
            try await s.h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "web-a2", ips: ["10.1.0.11", "10.1.0.11"],
                                                               os: "UOS", platform: "华为云"), by: p)
        }
        let count = try await s.h.hostCount()
        XCTAssertEqual(count, 2)
        let head = try await s.h.auditHead()
        XCTAssertEqual(head, before, "refused writes leave no trail record")

        // Another domain may reuse the address.
        let other = try await s.h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "db-a", ips: ["10.1.0.10"], os: "UOS",
                                                                       platform: "浪潮云", securityDomain: "政务外网区"), by: p)
        XCTAssertEqual(other.securityDomain, "政务外网区")
        // IPv6 spellings of one address clash too.
        _ = try await s.h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "v6-a", ips: ["2001:db8::10"], os: "UOS",
                                                               platform: "浪潮云"), by: p)
        await assertRefused("conflict", fields: ["ips[0]"]) {
            try await s.h.center.registry.createHost(HostDraft(systemID: s.systemB.id, hostname: "v6-b", ips: ["2001:DB8:0:0::10"],
                                                               os: "UOS", platform: "浪潮云"), by: p)
        }
    }

    func testUnknownSystemIsAConflictOnSystemID() async throws {
        let s = try await Scene(Harness(testCase: self))
        await assertRefused("conflict", fields: ["systemID"]) {
            try await s.h.center.registry.createHost(HostDraft(systemID: 424_242, hostname: "ghost", ips: ["10.9.9.9"], os: "UOS",
                                                               platform: "浪潮云"), by: s.sec.principal)
        }
        let count = try await s.h.hostCount()
        XCTAssertEqual(count, 2)
    }

    func testTheSecondOfTwoEditsOfTheSameVersionIsRefusedAndTheFirstSurvives() async throws {
        let s = try await Scene(Harness(testCase: self))
        let editor1 = s.sec.principal
        let editor2 = try await s.h.account(.securityAdmin, username: "secadmin2").principal
        var first = HostDraft(systemID: s.systemA.id, hostname: "web-a", ips: ["10.1.0.10", "10.1.0.12"], os: "麒麟 V10 SP3", platform: "浪潮云")
        let updated = try await s.h.center.registry.updateHost(s.hostA.id, first, version: 1, by: editor1)
        XCTAssertEqual(updated.version, 2)
        first.os = "CentOS 7.9"
        first.ips = ["10.1.0.99"]
        guard let error = await centerError({ try await s.h.center.registry.updateHost(s.hostA.id, first, version: 1, by: editor2) }) else { return }
        XCTAssertEqual(error, .versionConflict(entity: "host", expected: 1, current: 2))
        let stored = try await s.h.center.registry.host(s.hostA.id, by: editor1)
        XCTAssertEqual(stored.os, "麒麟 V10 SP3")
        XCTAssertEqual(stored.ips, ["10.1.0.10", "10.1.0.12"])
        XCTAssertEqual(stored.version, 2)
        // The address the refused edit wanted is still free.
        let free = try await s.h.center.registry.hosts(HostQuery(ip: "10.1.0.99"), by: editor1)
        XCTAssertEqual(free.total, 0)

        // The same holds for units and systems.
        var unitDraft = UnitDraft(name: "市公安局", creditCode: creditCode(serial: 1), contactName: "李娜", contactPhone: "0531-88880009")
        _ = try await s.h.center.registry.updateUnit(s.unitA.id, unitDraft, version: 1, by: editor1)
        unitDraft.contactName = "赵磊"
        await assertRefused("versionConflict") { try await s.h.center.registry.updateUnit(s.unitA.id, unitDraft, version: 1, by: editor2) }
        let unit = try await s.h.center.registry.unit(s.unitA.id, by: editor1)
        XCTAssertEqual(unit.contactName, "李娜")
        var systemDraft = SystemDraft(unitID: s.unitA.id, name: "门户网站", level: 3, filingNumber: "37010099001-20001",
                                      securityDomain: "互联网区", owner: "李娜")
        _ = try await s.h.center.registry.updateSystem(s.systemA.id, systemDraft, version: 1, by: editor1)
        systemDraft.owner = "赵磊"
        await assertRefused("versionConflict") { try await s.h.center.registry.updateSystem(s.systemA.id, systemDraft, version: 1, by: editor2) }
        let system = try await s.h.center.registry.system(s.systemA.id, by: editor1)
        XCTAssertEqual(system.owner, "李娜")
    }

    func testSQLMetacharactersInFiltersMatchLiterally() async throws {
        let s = try await Scene(Harness(testCase: self))
        let p = s.sec.principal
        for (name, os, ip) in [("db_1", "Kylin", "10.1.0.21"), ("dbx1", "UOS", "10.1.0.22"), ("app-1", "Windows 100%", "10.1.0.23"),
                               ("app-2", "it's UOS", "10.1.0.24")] {
            _ = try await s.h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: name, ips: [ip], os: os, platform: "浪潮云"), by: p)
        }
        func hostnames(_ q: HostQuery) async throws -> [String] {
            try await s.h.center.registry.hosts(q, by: p).items.map(\.hostname)
        }
        let underscore = try await hostnames(HostQuery(text: "_"))
        XCTAssertEqual(underscore, ["db_1"], "_ is not a one-character wildcard")
        let percent = try await hostnames(HostQuery(text: "%"))
        XCTAssertEqual(percent, ["app-1"], "% is not a wildcard")
        let dbUnderscore = try await hostnames(HostQuery(text: "db_"))
        XCTAssertEqual(dbUnderscore, ["db_1"])
        let injection = try await hostnames(HostQuery(text: "' OR 1=1 --"))
        XCTAssertEqual(injection, [])
        let quote = try await hostnames(HostQuery(text: "it's"))
        XCTAssertEqual(quote, ["app-2"], "a quote is just a character")
        let ipInjection = try await hostnames(HostQuery(ip: "10.1.0.21' OR '1'='1"))
        XCTAssertEqual(ipInjection, [])
        let platformInjection = try await hostnames(HostQuery(platform: "浪潮云' OR 1=1 --"))
        XCTAssertEqual(platformInjection, [])
        let semicolon = try await hostnames(HostQuery(text: "x'; DROP TABLE host; --"))
        XCTAssertEqual(semicolon, [])
        let units = try await s.h.center.registry.units(UnitQuery(text: "%' OR name LIKE '%"), by: p)
        XCTAssertEqual(units.total, 0)
        let systems = try await s.h.center.registry.systems(SystemQuery(text: "_"), by: p)
        XCTAssertEqual(systems.total, 0)
        let all = try await s.h.hostCount()
        XCTAssertEqual(all, 6, "and the table is still there")
        let byIP = try await hostnames(HostQuery(ip: "10.1.0.21"))
        XCTAssertEqual(byIP, ["db_1"])
    }

    func testPagingReportsTheTotalAndCoversEveryRowOnce() async throws {
        let s = try await Scene(Harness(testCase: self))
        let p = s.sec.principal
        for i in 1...5 {
            _ = try await s.h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "node-\(i)", ips: ["10.1.1.\(i)"],
                                                                   os: "UOS", platform: "浪潮云"), by: p)
        }
        var seen: [Int64] = []
        for offset in stride(from: 0, to: 9, by: 3) {
            let page = try await s.h.center.registry.hosts(HostQuery(page: PageRequest(offset: offset, limit: 3)), by: p)
            XCTAssertEqual(page.total, 7)
            XCTAssertEqual(page.items.count, min(3, 7 - offset))
            seen += page.items.map(\.id)
        }
        XCTAssertEqual(seen.count, 7)
        XCTAssertEqual(Set(seen).count, 7)
        XCTAssertEqual(seen, seen.sorted())
        let beyond = try await s.h.center.registry.hosts(HostQuery(page: PageRequest(offset: 50, limit: 3)), by: p)
        XCTAssertEqual(beyond.total, 7)
        XCTAssertTrue(beyond.items.isEmpty)
        let filtered = try await s.h.center.registry.hosts(HostQuery(text: "node", page: PageRequest(offset: 4, limit: 10)), by: p)
        XCTAssertEqual(filtered.total, 5, "the total counts the filtered rows, not the page")
        XCTAssertEqual(filtered.items.map(\.hostname), ["node-5"])
        XCTAssertEqual(PageRequest(offset: -5, limit: 0), PageRequest(offset: 0, limit: 1))
        XCTAssertEqual(PageRequest(limit: 100_000).limit, PageRequest.maxLimit)
    }

    func testAHostCannotMoveToAnotherUnitsSystem() async throws {
        let s = try await Scene(Harness(testCase: self))
        await assertRefused("conflict", fields: ["systemID"]) {
            try await s.h.center.registry.updateHost(s.hostA.id, HostDraft(systemID: s.systemB.id, hostname: "web-a", ips: ["10.1.0.10"],
                                                                           os: "UOS", platform: "浪潮云"), version: 1, by: s.sec.principal)
        }
        let stored = try await s.h.center.registry.host(s.hostA.id, by: s.sec.principal)
        XCTAssertEqual(stored.systemID, s.systemA.id)
    }

    func testExportIsUTF8WithBOMAndReimportsAsIs() async throws {
        let s = try await Scene(Harness(testCase: self))
        let bytes = try await s.h.center.registry.exportHosts(HostQuery(), by: s.sec.principal)
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        let rows = try HostCSV.rows(from: bytes)
        XCTAssertEqual(rows.map(\.draft.hostname), ["web-a", "web-b"])
        XCTAssertEqual(rows.map(\.unitName), ["市公安局", "市教育局"])
        let summary = try await s.h.center.registry.importHosts(csv: bytes, by: s.sec.principal)
        XCTAssertEqual(summary.created, 0)
        let hosts = try await s.h.center.registry.hosts(HostQuery(), by: s.sec.principal).items
        XCTAssertEqual(hosts, [s.hostA, s.hostB], "an export imported back changes nothing")
    }
}
