import AnyunCore
import AnyunStore
import Center
import Foundation
import XCTest

/// 三员分立: the system, security and audit administrators each do their own work only.
final class SeparationOfDutiesTests: XCTestCase {
    func testTheAuditAdministratorReadsTheTrailAndChangesNothing() async throws {
        let s = try await Scene(Harness(testCase: self))
        let c = s.h.center
        let p = try await s.h.account(.auditAdmin).principal
        let head = try await s.h.auditHead()
        let hostDraft = HostDraft(systemID: s.systemA.id, hostname: "x", ips: ["10.1.0.99"], os: "UOS", platform: "浪潮云")
        await assertRefused("forbidden", "create unit") {
            try await c.registry.createUnit(UnitDraft(name: "市审计局", creditCode: creditCode(serial: 9), contactName: "x", contactPhone: "0531-88880009"), by: p)
        }
        await assertRefused("forbidden", "update unit") {
            try await c.registry.updateUnit(s.unitA.id, UnitDraft(name: "改名", creditCode: creditCode(serial: 1), contactName: "x",
                                                                  contactPhone: "0531-88880001"), version: 1, by: p)
        }
        await assertRefused("forbidden", "create system") {
            try await c.registry.createSystem(SystemDraft(unitID: s.unitA.id, name: "x", level: 1, securityDomain: "x", owner: "x"), by: p)
        }
        await assertRefused("forbidden", "create host") { try await c.registry.createHost(hostDraft, by: p) }
        await assertRefused("forbidden", "update host") { try await c.registry.updateHost(s.hostA.id, hostDraft, version: 1, by: p) }
        await assertRefused("forbidden", "delete host") { try await c.registry.deleteHost(s.hostA.id, version: 1, by: p) }
        await assertRefused("forbidden", "import") { try await c.registry.importHosts(csv: Array("a".utf8), by: p) }
        await assertRefused("forbidden", "price") { try await c.catalog.update("waf", CatalogUpdate(unitPrice: 1, version: 1), by: p) }
        await assertRefused("forbidden", "apply") {
            try await c.subscriptions.apply(ApplicationDraft(unitID: s.unitA.id, service: "waf", quantity: 1, startDay: "2025-06-10", purpose: "x"), by: p)
        }
        await assertRefused("forbidden", "decide") { try await c.subscriptions.decide(1, approve: true, note: "", version: 1, by: p) }
        await assertRefused("forbidden", "close") { try await c.billing.close(Month(year: 2025, month: 5)!, by: p) }
        await assertRefused("forbidden", "report storage") {
            try await c.billing.reportStorage(StorageReport(unitID: s.unitA.id, service: .localBackup, hostID: nil, day: Day("2025-06-10")!,
                                                            bytes: 1), by: p)
        }
        await assertRefused("forbidden", "create user") {
            try await c.users.create(NewUserRequest(username: "newbie", displayName: "x", role: "audit-admin", password: Harness.password), by: p)
        }
        let headAfter = try await s.h.auditHead()
        XCTAssertEqual(headAfter, head, "nothing was written, not even partly")

        let trail = try await c.audit.records(AuditQuery(), page: PageRequest(), by: p)
        XCTAssertEqual(trail.total, Int(head))
        XCTAssertEqual(Set(trail.items.map(\.action)).isSuperset(of: ["unit.create", "system.create", "host.create", "user.create", "auth.login"]), true)
        let verification = try await c.audit.verify(by: p)
        XCTAssertTrue(verification.intact)
        // …and may read what it audits.
        let hosts = try await c.registry.hosts(HostQuery(), by: p)
        XCTAssertEqual(hosts.total, 2)
    }

    func testTheSystemAdministratorManagesUsersButNeitherAuditsNorApproves() async throws {
        let s = try await Scene(Harness(testCase: self))
        let c = s.h.center
        let p = try await s.h.account(.systemAdmin).principal
        await assertRefused("forbidden") { try await c.audit.records(AuditQuery(), page: PageRequest(), by: p) }
        await assertRefused("forbidden") { try await c.audit.verify(by: p) }
        await assertRefused("forbidden") { try await c.audit.seals(by: p) }
        let unit = try await s.h.account(.unitAdmin, unit: s.unitA.id).principal
        let app = try await c.subscriptions.apply(ApplicationDraft(service: "host-security", systemIDs: [s.systemA.id], startDay: "2025-06-10",
                                                                   purpose: "等保整改"), by: unit)
        await assertRefused("forbidden") { try await c.subscriptions.decide(app.id, approve: true, note: "同意", version: app.version, by: p) }
        await assertRefused("forbidden") { try await c.subscriptions.decide(app.id, approve: false, note: "不同意", version: app.version, by: p) }
        let still = try await c.subscriptions.application(app.id, by: p)
        XCTAssertEqual(still.status, .pending)
        await assertRefused("forbidden") {
            try await c.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "x", ips: ["10.1.0.99"], os: "UOS", platform: "浪潮云"), by: p)
        }
        await assertRefused("forbidden") { try await c.catalog.update("waf", CatalogUpdate(unitPrice: 1, version: 1), by: p) }

        let created = try await c.users.create(NewUserRequest(username: "auditor2", displayName: "审计员", role: "audit-admin",
                                                              password: Harness.password), by: p)
        XCTAssertEqual(created.user.role, .auditAdmin)
        XCTAssertNotNil(created.totp, "administrators always get a second factor")
    }

    func testTheSecurityAdministratorCannotManageUsers() async throws {
        let s = try await Scene(Harness(testCase: self))
        let p = s.sec.principal
        await assertRefused("forbidden") {
            try await s.h.center.users.create(NewUserRequest(username: "helper", displayName: "x", role: "unit-admin", unitID: s.unitA.id,
                                                             password: Harness.password), by: p)
        }
        await assertRefused("forbidden") { try await s.h.center.users.list(role: nil, unitID: nil, page: PageRequest(), by: p) }
        await assertRefused("forbidden") {
            try await s.h.center.users.update(s.sec.user.id, displayName: "x", disabled: false, version: 1, by: p)
        }
        await assertRefused("forbidden") { try await s.h.center.users.unlock(s.sec.user.id, by: p) }
        await assertRefused("forbidden") { try await s.h.center.audit.records(AuditQuery(), page: PageRequest(), by: p) }
    }

    func testOneRolePerAccountAndAdministratorsBelongToNoUnit() async throws {
        let s = try await Scene(Harness(testCase: self))
        let sys = try await s.h.account(.systemAdmin).principal
        func create(_ role: String?, unit: Int64?) async -> CenterError? {
            await centerError {
                try await s.h.center.users.create(NewUserRequest(username: "someone", displayName: "x", role: role, unitID: unit,
                                                                 password: Harness.password), by: sys)
            }
        }
        var e = await create("system-admin", unit: s.unitA.id)
        XCTAssertEqual(e?.kind, "validation")
        XCTAssertEqual(e?.fields, ["unitID"])
        for combined in ["system-admin,audit-admin", "system-admin audit-admin", "security-admin|audit-admin", "Security-Admin", "root", ""] {
            e = await create(combined, unit: nil)
            XCTAssertEqual(e?.kind, "validation", combined)
            XCTAssertEqual(e?.fields, ["role"], combined)
        }
        e = await create(nil, unit: nil)
        XCTAssertEqual(e?.fields, ["role"])
        e = await create("unit-admin", unit: nil)
        XCTAssertEqual(e?.fields, ["unitID"], "a unit role needs a unit")
        e = await create("unit-readonly", unit: 999)
        XCTAssertEqual(e?.kind, "conflict", "an unknown unit")
        XCTAssertEqual(e?.fields, ["unitID"])
        let users = try await s.h.center.users.list(role: nil, unitID: nil, page: PageRequest(), by: sys)
        XCTAssertFalse(users.items.contains { $0.username == "someone" })
    }

    func testUnitRolesCannotAdministerThePlatform() async throws {
        let s = try await Scene(Harness(testCase: self))
        let c = s.h.center
        let admin = try await s.h.account(.unitAdmin, unit: s.unitA.id).principal
        let reader = try await s.h.account(.unitReadOnly, unit: s.unitA.id).principal
        for p in [admin, reader] {
            await assertRefused("forbidden") { try await c.audit.records(AuditQuery(), page: PageRequest(), by: p) }
            await assertRefused("forbidden") { try await c.catalog.update("waf", CatalogUpdate(unitPrice: 1, version: 1), by: p) }
            await assertRefused("forbidden") { try await c.billing.close(Month(year: 2025, month: 5)!, by: p) }
            await assertRefused("forbidden") {
                try await c.users.create(NewUserRequest(username: "mine", displayName: "x", role: "unit-readonly", unitID: s.unitA.id,
                                                        password: Harness.password), by: p)
            }
        }
        await assertRefused("forbidden", "read-only means read-only") {
            try await c.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "x", ips: ["10.1.0.99"], os: "UOS", platform: "浪潮云"), by: reader)
        }
        await assertRefused("forbidden") {
            try await c.subscriptions.apply(ApplicationDraft(service: "waf", quantity: 1, startDay: "2025-06-10", purpose: "x"), by: reader)
        }
        let app = try await c.subscriptions.apply(ApplicationDraft(service: "waf", quantity: 1, startDay: "2025-06-10", purpose: "x"), by: admin)
        await assertRefused("forbidden", "a unit cannot approve its own application") {
            try await c.subscriptions.decide(app.id, approve: true, note: "", version: app.version, by: admin)
        }
    }
}
