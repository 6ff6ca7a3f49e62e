import AnyunCore
import AnyunStore
import Center
import Foundation
import XCTest

/// A unit's user can never read or change another unit's rows, whatever they ask for.
final class TenancyTests: XCTestCase {
    func testAnotherUnitsRowsAreNotFoundByID() async throws {
        let s = try await Scene(Harness(testCase: self))
        for role in [Role.unitAdmin, .unitReadOnly] {
            let p = try await s.h.account(role, unit: s.unitA.id).principal
            await assertRefused("notFound", "\(role) host") { try await s.h.center.registry.host(s.hostB.id, by: p) }
            await assertRefused("notFound", "\(role) system") { try await s.h.center.registry.system(s.systemB.id, by: p) }
            await assertRefused("notFound", "\(role) unit") { try await s.h.center.registry.unit(s.unitB.id, by: p) }
            await assertRefused("notFound", "\(role) statement") {
                try await s.h.center.billing.statement(unitID: s.unitB.id, month: Month(year: 2025, month: 6)!, by: p)
            }
            let own = try await s.h.center.registry.host(s.hostA.id, by: p)
            XCTAssertEqual(own.id, s.hostA.id)
        }
    }

    func testListsShowOnlyTheOwnUnitWhateverTheQuery() async throws {
        let s = try await Scene(Harness(testCase: self))
        let p = try await s.h.account(.unitReadOnly, unit: s.unitA.id).principal
        let r = s.h.center.registry
        let hosts = try await r.hosts(HostQuery(), by: p)
        XCTAssertEqual(hosts.items.map(\.id), [s.hostA.id])
        XCTAssertEqual(hosts.total, 1)
        for q in [HostQuery(unitID: s.unitB.id), HostQuery(systemID: s.systemB.id), HostQuery(ip: "10.2.0.10"), HostQuery(text: "web-b"),
                  HostQuery(platform: "华为云")] {
            let page = try await r.hosts(q, by: p)
            XCTAssertEqual(page.total, 0, "\(q)")
            XCTAssertTrue(page.items.isEmpty)
        }
        let systems = try await r.systems(SystemQuery(), by: p)
        XCTAssertEqual(systems.items.map(\.id), [s.systemA.id])
        let systemsOfB = try await r.systems(SystemQuery(unitID: s.unitB.id), by: p)
        XCTAssertEqual(systemsOfB.total, 0)
        let units = try await r.units(UnitQuery(), by: p)
        XCTAssertEqual(units.items.map(\.id), [s.unitA.id])
        let unitsByName = try await r.units(UnitQuery(text: "教育"), by: p)
        XCTAssertEqual(unitsByName.total, 0)
        let counts = try await r.counts(by: p)
        XCTAssertEqual(counts, RegistryCounts(units: 1, systems: 1, hosts: 1, activeSubscriptions: 0))
        let export = try await r.exportHosts(HostQuery(unitID: s.unitB.id), by: p)
        XCTAssertEqual(String(decoding: export, as: UTF8.self).split(separator: "\r\n").count, 1, "only the header: no row of unit B")
        let exportAll = try await r.exportHosts(HostQuery(), by: p)
        XCTAssertEqual(try HostCSV.rows(from: exportAll).map(\.draft.hostname), ["web-a"])
    }

    func testAUnitAdminCannotWriteIntoAnotherUnit() async throws {
        let s = try await Scene(Harness(testCase: self))
        let p = try await s.h.account(.unitAdmin, unit: s.unitA.id).principal
        let r = s.h.center.registry
        let before = try await s.h.auditHead()
        await assertRefused("conflict", fields: ["systemID"], "B's system is as good as unknown") {
            try await r.createHost(HostDraft(systemID: s.systemB.id, hostname: "intruder", ips: ["10.2.0.99"], os: "UOS", platform: "华为云"), by: p)
        }
        await assertRefused("notFound") {
            try await r.updateHost(s.hostB.id, HostDraft(systemID: s.systemB.id, hostname: "web-b", ips: ["10.2.0.10"], os: "x", platform: "华为云"),
                                   version: 1, by: p)
        }
        await assertRefused("notFound") { try await r.deleteHost(s.hostB.id, version: 1, by: p) }
        await assertRefused("forbidden") {
            try await r.createSystem(SystemDraft(unitID: s.unitB.id, name: "暗门", level: 2, filingNumber: "37010099002-20002",
                                                 securityDomain: "互联网区", owner: "x"), by: p)
        }
        await assertRefused("notFound") {
            try await r.updateSystem(s.systemB.id, SystemDraft(unitID: s.unitB.id, name: "门户网站", level: 1, securityDomain: "互联网区", owner: "x"),
                                     version: 1, by: p)
        }
        await assertRefused("forbidden", "units are the security administrator's") {
            try await r.updateUnit(s.unitA.id, UnitDraft(name: "市公安局", creditCode: creditCode(serial: 1), contactName: "x",
                                                         contactPhone: "0531-88880001"), version: 1, by: p)
        }
        await assertRefused("forbidden") {
            try await s.h.center.subscriptions.apply(ApplicationDraft(unitID: s.unitB.id, service: "waf", quantity: 1, startDay: "2025-06-10",
                                                                      purpose: "x"), by: p)
        }
        let csv = "单位,业务系统,主机名,IP地址,操作系统,云平台\n市公安局,门户网站,ok-1,10.1.0.50,UOS,浪潮云\n市教育局,门户网站,intruder,10.2.0.51,UOS,华为云\n\(creditCode(serial: 2)),门户网站,intruder2,10.2.0.52,UOS,华为云\n"
        guard let error = await centerError({ try await r.importHosts(csv: Array(csv.utf8), by: p) }) else { return }
        guard case .importRejected(let rows) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(rows.map(\.line), [3, 4])
        XCTAssertEqual(rows.map(\.field), ["unit", "unit"])
        let hostsOfB = try await s.h.store.hosts(HostQuery(unitID: s.unitB.id), scope: .allUnits)
        XCTAssertEqual(hostsOfB.items, [s.hostB], "B's rows are untouched")
        let systemsOfB = try await s.h.store.systems(SystemQuery(unitID: s.unitB.id), scope: .allUnits)
        XCTAssertEqual(systemsOfB.items, [s.systemB])
        let count = try await s.h.hostCount()
        XCTAssertEqual(count, 2, "the import wrote nothing, not even its own unit's good row")
        let after = try await s.h.auditHead()
        XCTAssertEqual(after, before)

        // Its own unit is fine, by name or by credit code.
        let own = "单位,业务系统,主机名,IP地址,操作系统,云平台\n\(creditCode(serial: 1).lowercased()),门户网站,ok-1,10.1.0.50,UOS,浪潮云\n"
        let summary = try await r.importHosts(csv: Array(own.utf8), by: p)
        XCTAssertEqual(summary.created, 1)
        let created = try await r.createHost(HostDraft(systemID: s.systemA.id, hostname: "ok-2", ips: ["10.1.0.51"], os: "UOS", platform: "浪潮云"), by: p)
        XCTAssertEqual(created.unitID, s.unitA.id)
    }

    func testApplicationsAndSubscriptionsAreScoped() async throws {
        let s = try await Scene(Harness(testCase: self))
        let a = try await s.h.account(.unitAdmin, unit: s.unitA.id).principal
        let b = try await s.h.account(.unitAdmin, unit: s.unitB.id).principal
        let appA = try await s.h.center.subscriptions.apply(ApplicationDraft(service: "host-security", systemIDs: [s.systemA.id],
                                                                             startDay: "2025-06-10", purpose: "等保整改"), by: a)
        XCTAssertEqual(appA.unitID, s.unitA.id, "a unit user applies for their own unit")
        let appB = try await s.h.center.subscriptions.apply(ApplicationDraft(service: "host-security", systemIDs: [s.systemB.id],
                                                                             startDay: "2025-06-10", purpose: "等保整改"), by: b)
        await assertRefused("conflict", fields: ["systemIDs[0]"], "covering another unit's system") {
            try await s.h.center.subscriptions.apply(ApplicationDraft(service: "host-security", systemIDs: [s.systemB.id],
                                                                      startDay: "2025-06-10", purpose: "x"), by: a)
        }
        let listed = try await s.h.center.subscriptions.applications(status: nil, page: PageRequest(), by: a)
        XCTAssertEqual(listed.items.map(\.id), [appA.id])
        await assertRefused("notFound") { try await s.h.center.subscriptions.application(appB.id, by: a) }
        await assertRefused("notFound") { try await s.h.center.subscriptions.withdraw(appB.id, version: 1, by: a) }
        let untouched = try await s.h.center.subscriptions.application(appB.id, by: s.sec.principal)
        XCTAssertEqual(untouched.status, .pending)
        _ = try await s.h.center.subscriptions.decide(appB.id, approve: true, note: "同意", version: 1, by: s.sec.principal)
        let subs = try await s.h.center.subscriptions.subscriptions(activeOn: nil, service: nil, page: PageRequest(), by: a)
        XCTAssertEqual(subs.total, 0, "B's subscription is not A's to see")
        let subsB = try await s.h.center.subscriptions.subscriptions(activeOn: nil, service: nil, page: PageRequest(), by: b)
        XCTAssertEqual(subsB.total, 1)
    }
}
