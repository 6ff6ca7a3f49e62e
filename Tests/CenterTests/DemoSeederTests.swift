import AnyunCore
import AnyunStore
import Center
import Foundation
import XCTest

final class DemoSeederTests: XCTestCase {
    func testTheDemoDeploymentHasTheReferenceShapeAndEveryLoginWorks() async throws {
        let h = try Harness(testCase: self)
        let accounts = try await DemoSeeder(center: h.center).seed()

        let counts = try await h.store.registryCounts(scope: .allUnits)
        XCTAssertEqual(counts.units, 16)
        XCTAssertEqual(counts.systems, 80)
        XCTAssertEqual(counts.hosts, 300)
        let level2 = try await h.store.systems(SystemQuery(level: 2, page: PageRequest(limit: 1)), scope: .allUnits).total
        let level3 = try await h.store.systems(SystemQuery(level: 3, page: PageRequest(limit: 1)), scope: .allUnits).total
        XCTAssertEqual(level2 + level3, 80, "levels 2 and 3 only")
        XCTAssertGreaterThan(level2, 0)
        XCTAssertGreaterThan(level3, 0)
        let units = try await h.store.units(UnitQuery(page: PageRequest(limit: 100)), scope: .allUnits).items
        XCTAssertEqual(Set(units.map(\.name)).count, 16)
        XCTAssertTrue(units.allSatisfy { (try? CreditCode($0.creditCode)) != nil }, "every credit code checks out")

        var subscriptions: [Subscription] = []
        while true {
            let page = try await h.store.subscriptions(activeOn: nil, service: nil, scope: .allUnits,
                                                       page: PageRequest(offset: subscriptions.count, limit: 500))
            subscriptions += page.items
            if page.items.isEmpty || subscriptions.count >= page.total { break }
        }
        XCTAssertGreaterThanOrEqual(Set(subscriptions.map(\.service)).count, 10)
        XCTAssertEqual(Set(subscriptions.map(\.unitID)).count, 16, "every unit subscribes")
        let active = try await h.store.subscriptions(activeOn: h.center.today, service: nil, scope: .allUnits, page: PageRequest(limit: 1)).total
        XCTAssertEqual(active, subscriptions.count, "and they are active today")

        let closed = try await h.store.closedMonths()
        XCTAssertEqual(closed.count, 1)
        let month = try XCTUnwrap(closed.first)
        XCTAssertLessThan(month, h.center.today.monthOf)
        for unit in units {
            let st = try await h.store.closedStatement(unitID: unit.id, month: month)
            let statement = try XCTUnwrap(st, "\(unit.name) has a statement for \(month)")
            XCTAssertFalse(statement.lines.isEmpty)
            XCTAssertEqual(statement.total.value, statement.lines.map(\.amount.value).reduce(0, +))
            XCTAssertGreaterThan(statement.total.value, 0)
        }
        let pending = try await h.store.applications(status: .pending, scope: .allUnits, page: PageRequest())
        XCTAssertEqual(pending.total, 2)

        let verification = try await AuditVerifier(store: h.store, sealKey: h.keys.auditSeal.publicKey).verify()
        XCTAssertTrue(verification.intact, "the demo's trail is a real trail")

        XCTAssertEqual(Set(accounts.map(\.role)), Set(Role.allCases.map(\.rawValue)))
        XCTAssertEqual(Set(accounts.map(\.username)).count, accounts.count)
        for account in accounts {
            let role = try XCTUnwrap(Role(rawValue: account.role))
            XCTAssertEqual(account.totpSecret != nil, role.requiresTOTP, account.username)
            let code = account.totpSecret.map { TOTP(secret: Base32.decode($0)!).code(at: h.clock.now) }
            do {
                let login = try await h.center.auth.login(username: account.username, password: account.password, totp: code, source: "demo")
                let p = try await h.center.auth.authenticate(login.token, source: "demo")
                XCTAssertEqual(p.role, role, account.username)
                if role.isUnitScoped {
                    XCTAssertEqual(units.first { $0.id == p.unitID }?.name, account.unit, account.username)
                }
            } catch {
                XCTFail("\(account.username) cannot log in: \(error)")
            }
        }
    }
}
