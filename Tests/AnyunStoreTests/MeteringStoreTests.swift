import AnyunCore
import AnyunStore
import Foundation
import XCTest

final class MeteringStoreTests: XCTestCase {
    private func day(_ text: String) -> Day { Day(text)! }

    private func subscribe(_ f: StoreFixture, unit: GovUnit, _ service: ServiceKind, systems: [Int64] = [], hosts: [Int64] = [],
                           quantity: Int? = nil, start: String) async throws -> Subscription {
        let v = try ApplicationDraft(unitID: unit.id, service: service.rawValue, systemIDs: systems, hostIDs: hosts, quantity: quantity,
                                     startDay: start, purpose: "测试").validated { $0.defaultMeteringUnit }
        let app = try await f.store.createApplication(v, applicant: "tester", by: f.actor)
        let decided = try await f.store.decideApplication(id: app.id, approve: true, note: "同意", startDay: Day(start)!,
                                                          expectedVersion: app.version, by: f.actor)
        let id = try XCTUnwrap(decided.subscriptionID)
        let sub = try await f.store.subscription(id: id, scope: .allUnits)
        return try XCTUnwrap(sub)
    }

    func testHostMonthCountsHostsInServiceDayByDay() async throws {
        let f = try StoreFixture(testCase: self)
        let u = try await f.unit("市公安局", serial: 1)
        let s1 = try await f.system(u, "门户网站"), s2 = try await f.system(u, "协同办公")
        _ = try await f.host(s1, "a", ["10.0.0.1"])
        let b = try await f.host(s1, "b", ["10.0.0.2"], state: "maintenance")
        _ = try await f.host(s1, "c", ["10.0.0.3"], state: "retired")
        _ = try await f.host(s1, "d", ["10.0.0.4"], state: "planned")
        let other = try await f.host(s2, "e", ["10.0.0.5"])
        let sub = try await subscribe(f, unit: u, .hostSecurity, systems: [s1.id], hosts: [other.id], start: "2025-06-01")

        _ = try await f.store.meterDay(day("2025-05-31"))
        _ = try await f.store.meterDay(day("2025-06-01"))
        _ = try await f.host(s1, "f", ["10.0.0.6"])
        _ = try await f.store.meterDay(day("2025-06-02"))
        _ = try await f.store.updateHost(id: b.id, try HostDraft(systemID: s1.id, hostname: "b", ips: ["10.0.0.2"], os: "UOS", platform: "浪潮云",
                                                                 state: "retired").validated(), expectedVersion: 1, by: f.actor)
        _ = try await f.store.meterDay(day("2025-06-03"))
        _ = try await f.store.meterDay(day("2025-06-03"))  // metering a day again replaces it

        let usage = try await f.store.usage(unitID: u.id, month: Month(year: 2025, month: 6)!)
        XCTAssertEqual(usage.map(\.day.description), ["2025-06-01", "2025-06-02", "2025-06-03"], "nothing before the start")
        // a, b(maintenance), e(direct) = 3; then f joins = 4; then b retires = 3.
        XCTAssertEqual(usage.map(\.quantityMilli), [3000, 4000, 3000])
        XCTAssertTrue(usage.allSatisfy { $0.unitPrice == ServiceKind.hostSecurity.defaultPrice && $0.subscriptionID == sub.id })
        let last = try await f.store.lastMeteredDay()
        XCTAssertEqual(last, day("2025-06-03"))
        _ = try await f.store.meterDay(day("2025-06-02"))
        let stillLast = try await f.store.lastMeteredDay()
        XCTAssertEqual(stillLast, day("2025-06-03"), "re-metering an earlier day does not move the mark back")

        // Ending the subscription drops usage after its last day.
        let ended = try await f.store.endSubscription(id: sub.id, lastDay: day("2025-06-02"), expectedVersion: sub.version, by: f.actor)
        XCTAssertEqual(ended.endDay, day("2025-06-02"))
        let trimmed = try await f.store.usage(unitID: u.id, month: Month(year: 2025, month: 6)!)
        XCTAssertEqual(trimmed.map(\.day.description), ["2025-06-01", "2025-06-02"])
        _ = try await f.store.meterDay(day("2025-06-04"))
        let afterEnd = try await f.store.usage(unitID: u.id, month: Month(year: 2025, month: 6)!)
        XCTAssertEqual(afterEnd.count, 2)
    }

    func testStorageIsTheDaysLastReportCarriedForwardAndBillsOncePerUnitService() async throws {
        let f = try StoreFixture(testCase: self)
        let u = try await f.unit("市公安局", serial: 1)
        let s = try await f.system(u, "门户网站")
        let h = try await f.host(s, "db-1", ["10.0.0.1"])
        let first = try await subscribe(f, unit: u, .localBackup, systems: [s.id], start: "2025-06-01")
        let second = try await subscribe(f, unit: u, .localBackup, hosts: [h.id], start: "2025-06-01")
        let gib: Int64 = 1 << 30
        try await f.store.reportStorage(StorageReport(unitID: u.id, service: .localBackup, hostID: nil, day: day("2025-06-01"), bytes: 10 * gib), by: f.actor)
        try await f.store.reportStorage(StorageReport(unitID: u.id, service: .localBackup, hostID: nil, day: day("2025-06-03"), bytes: 5 * gib), by: f.actor)
        try await f.store.reportStorage(StorageReport(unitID: u.id, service: .localBackup, hostID: nil, day: day("2025-06-03"), bytes: 20 * gib), by: f.actor)
        try await f.store.reportStorage(StorageReport(unitID: u.id, service: .localBackup, hostID: h.id, day: day("2025-06-03"), bytes: gib / 2), by: f.actor)
        try await f.store.reportStorage(StorageReport(unitID: u.id, service: .offsiteBackup, hostID: nil, day: day("2025-06-01"), bytes: 99 * gib), by: f.actor)
        for d in 1...4 { _ = try await f.store.meterDay(day(String(format: "2025-06-%02d", d))) }

        let usage = try await f.store.usage(unitID: u.id, month: Month(year: 2025, month: 6)!)
        let byFirst = usage.filter { $0.subscriptionID == first.id }, bySecond = usage.filter { $0.subscriptionID == second.id }
        // Day 2 carries day 1 forward; day 3 takes the last report (20 GiB) plus the host's own 0.5 GiB; day 4 carries day 3.
        XCTAssertEqual(byFirst.map(\.quantityMilli), [10_000, 10_000, 20_500, 20_500])
        XCTAssertEqual(bySecond.map(\.quantityMilli), [0, 0, 0, 0], "the same bytes are not billed twice")
        XCTAssertTrue(usage.allSatisfy { $0.service == .localBackup }, "offsite storage is not local storage")

        // A report for a host of another unit is refused.
        let other = try await f.unit("市教育局", serial: 2)
        let wrongHost = await thrownError {
            try await f.store.reportStorage(StorageReport(unitID: other.id, service: .localBackup, hostID: h.id, day: self.day("2025-06-04"),
                                                          bytes: 1), by: f.actor)
        }
        guard case .conflict(let field)? = wrongHost as? StoreError else { return XCTFail("\(String(describing: wrongHost))") }
        XCTAssertEqual(field.field, "hostID")
    }

    func testAClosedMonthIsFinalEvenForSomeoneWithTheFile() async throws {
        let f = try StoreFixture(testCase: self)
        let u = try await f.unit("市公安局", serial: 1)
        let s = try await f.system(u, "门户网站")
        _ = try await f.host(s, "a", ["10.0.0.1"])
        let sub = try await subscribe(f, unit: u, .hostSecurity, systems: [s.id], start: "2025-06-01")
        for d in 1...30 { _ = try await f.store.meterDay(day(String(format: "2025-06-%02d", d))) }
        let june = Month(year: 2025, month: 6)!
        let usage = try await f.store.usage(unitID: u.id, month: june)
        let line = StatementLine(subscriptionID: sub.id, service: .hostSecurity, serviceName: "主机安全", meteringUnit: .hostMonth,
                                 unitPrice: Fen(12_000), daysUsed: 30, quantityDaysMilli: 30_000, amount: Fen(12_000))
        let statement = BillingStatement(unitID: u.id, unitName: u.name, month: june, lines: [line], closed: true,
                                         generatedAt: Date(timeIntervalSince1970: 1_751_328_000))
        try await f.store.closeMonth(june, statements: [statement], by: f.actor)
        let closed = try await f.store.isClosed(june)
        XCTAssertTrue(closed)
        let months = try await f.store.closedMonths()
        XCTAssertEqual(months, [june])
        let stored = try await f.store.closedStatement(unitID: u.id, month: june)
        XCTAssertEqual(stored, statement)
        let body = try f.sqlite("SELECT body FROM statement;").output

        // Through the store: metering, storage reports and ending a subscription in June are refused.
        let metered = try await f.store.meterDay(day("2025-06-15"))
        XCTAssertEqual(metered, 0)
        let again = await thrownError { try await f.store.closeMonth(june, statements: [], by: f.actor) }
        XCTAssertNotNil(again as? StoreError)
        let end = await thrownError {
            try await f.store.endSubscription(id: sub.id, lastDay: self.day("2025-06-20"), expectedVersion: sub.version, by: f.actor)
        }
        guard case .conflict(let field)? = end as? StoreError else { return XCTFail("\(String(describing: end))") }
        XCTAssertEqual(field.field, "lastDay")

        // Through the file: the triggers refuse as well.
        for sql in ["UPDATE usage_daily SET quantity_milli = 0;", "DELETE FROM usage_daily;",
                    "INSERT INTO usage_daily VALUES (\(sub.id), \(u.id), 'host-security', '2025-06-31', '2025-06', 1, 1);",
                    "UPDATE statement SET total = 0;", "DELETE FROM statement;", "DELETE FROM closed_month;"] {
            let result = try f.sqlite(sql)
            XCTAssertNotEqual(result.status, 0, sql)
            XCTAssertTrue(result.error.contains("closed") || result.error.contains("final"), "\(sql): \(result.error)")
        }
        let after = try await f.store.usage(unitID: u.id, month: june)
        XCTAssertEqual(after, usage)
        XCTAssertEqual(try f.sqlite("SELECT body FROM statement;").output, body)
        let stillClosed = try await f.store.isClosed(june)
        XCTAssertTrue(stillClosed)
    }

    func testTheTrailIsAppendOnlyInTheDatabaseItself() async throws {
        let f = try StoreFixture(testCase: self)
        _ = try await f.unit("市公安局", serial: 1)
        _ = try await f.unit("市教育局", serial: 2)
        try await f.store.addSeal(AuditSeal(id: 0, seq: 2, headHash: "ab", time: f.clock.now, signature: "cd", publicKeyFingerprint: "ef"))
        let before = try await f.store.auditRecords(afterSeq: 0, limit: 10)
        for sql in ["UPDATE audit_log SET detail = 'x' WHERE seq = 1;", "DELETE FROM audit_log WHERE seq = 2;", "DELETE FROM audit_log;",
                    "UPDATE audit_seal SET signature = '00';", "DELETE FROM audit_seal;"] {
            let result = try f.sqlite(sql)
            XCTAssertNotEqual(result.status, 0, sql)
            XCTAssertTrue(result.error.contains("append-only"), "\(sql): \(result.error)")
        }
        let after = try await f.store.auditRecords(afterSeq: 0, limit: 10)
        XCTAssertEqual(after, before)
        XCTAssertEqual(after.count, 2)
        let seals = try await f.store.seals()
        XCTAssertEqual(seals.map(\.signature), ["cd"])
    }
}
