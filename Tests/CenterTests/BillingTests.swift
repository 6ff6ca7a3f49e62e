import AnyunCore
import AnyunStore
import Center
import Foundation
import XCTest

final class BillingTests: XCTestCase {
    private let june = Month(year: 2025, month: 6)!

    /// A unit administrator of the scene's unit A, applying; the security administrator approving.
    private func subscribe(_ s: Scene, _ service: ServiceKind, systems: [Int64] = [], hosts: [Int64] = [], quantity: Int? = nil,
                           start: String, end: String? = nil) async throws -> Subscription {
        let app = try await s.h.center.subscriptions.apply(ApplicationDraft(unitID: s.unitA.id, service: service.rawValue, systemIDs: systems,
                                                                            hostIDs: hosts, quantity: quantity, startDay: start, endDay: end,
                                                                            purpose: "等保整改"), by: s.sec.principal)
        let approved = try await s.h.center.subscriptions.decide(app.id, approve: true, note: "同意", version: app.version, by: s.sec.principal)
        XCTAssertEqual(approved.status, .approved)
        let id = try XCTUnwrap(approved.subscriptionID)
        let sub = try await s.h.store.subscription(id: id, scope: .allUnits)
        return try XCTUnwrap(sub)
    }

    private func setPrice(_ s: Scene, _ service: ServiceKind, _ fen: Int64) async throws {
        let current = try await s.h.center.catalog.entries(by: s.sec.principal).first { $0.service == service }!
        let updated = try await s.h.center.catalog.update(service.rawValue, CatalogUpdate(unitPrice: fen, version: current.version), by: s.sec.principal)
        XCTAssertEqual(updated.unitPrice, Fen(fen))
    }

    private func assertAddsUp(_ statement: BillingStatement, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(statement.total.value, statement.lines.map(\.amount.value).reduce(0, +), "lines add up to the total", file: file, line: line)
        for l in statement.lines {
            XCTAssertEqual(l.amount, Proration.amount(unitPrice: l.unitPrice, quantityDaysMilli: l.quantityDaysMilli,
                                                      daysInMonth: statement.month.dayCount), file: file, line: line)
        }
    }

    func testTwoHostsForTenDaysOfAThirtyDayMonth() async throws {
        let s = try await Scene(Harness(testCase: self))
        let h = s.h
        _ = try await h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "web-a2", ips: ["10.1.0.11"], os: "UOS",
                                                             platform: "浪潮云"), by: s.sec.principal)
        try await setPrice(s, .hostSecurity, 12_346)
        let sub = try await subscribe(s, .hostSecurity, systems: [s.systemA.id], start: "2025-06-11")
        XCTAssertEqual(sub.startDay, Day("2025-06-11"), "a future start is kept")
        for d in 11...20 {
            h.clock.set(beijing(2025, 6, d, 12))
            try await h.center.billing.meterThroughToday()
        }
        _ = try await h.center.subscriptions.end(sub.id, lastDay: Day("2025-06-20")!, version: sub.version, by: s.sec.principal)
        h.clock.set(beijing(2025, 7, 2))
        let statements = try await h.center.billing.close(june, by: s.sec.principal)
        XCTAssertEqual(statements.map(\.unitID), [s.unitA.id], "units without usage get no statement")
        let st = try XCTUnwrap(statements.first)
        XCTAssertEqual(st.lines.count, 1)
        let line = try XCTUnwrap(st.lines.first)
        XCTAssertEqual(line.daysUsed, 10)
        XCTAssertEqual(line.quantityDaysMilli, 2 * 10 * 1000)
        XCTAssertEqual(line.unitPrice, Fen(12_346))
        // ¥123.46 × 2 hosts × 10/30 = 8230.67 fen → 8231.
        XCTAssertEqual(line.amount, Fen(8_231))
        XCTAssertEqual(st.total, Fen(8_231))
        XCTAssertEqual(line.averageQuantityText, "2")
        XCTAssertTrue(st.closed)
        assertAddsUp(st)
    }

    func testAPriceChangeMidMonthSplitsTheLine() async throws {
        let s = try await Scene(Harness(testCase: self, start: beijing(2025, 6, 1, 9)))
        let h = s.h
        let sub = try await subscribe(s, .hostSecurity, hosts: [s.hostA.id], start: "2025-06-01")
        XCTAssertEqual(sub.startDay, Day("2025-06-01"))
        for d in 1...30 {
            h.clock.set(beijing(2025, 6, d, 12))
            if d == 16 {
                try await h.center.billing.meterThroughToday()
                try await setPrice(s, .hostSecurity, 24_000)
            }
            try await h.center.billing.meterThroughToday()
        }
        let preview = try await h.center.billing.statement(unitID: s.unitA.id, month: june, by: s.sec.principal)
        XCTAssertFalse(preview.closed)
        h.clock.set(beijing(2025, 7, 1, 9))
        let closed = try await h.center.billing.close(june, by: s.sec.principal)
        let st = try XCTUnwrap(closed.first)
        XCTAssertEqual(st.lines.map(\.unitPrice), [Fen(12_000), Fen(24_000)])
        XCTAssertEqual(st.lines.map(\.subscriptionID), [sub.id, sub.id])
        XCTAssertEqual(st.lines.map(\.daysUsed), [15, 15])
        XCTAssertEqual(st.lines.map(\.amount), [Fen(6_000), Fen(12_000)])
        XCTAssertEqual(st.total, Fen(18_000))
        XCTAssertEqual(preview.lines, st.lines, "the preview on the last day already showed the final lines")
        assertAddsUp(st)

        let csv = String(decoding: BillingService.csv(st), as: UTF8.self)
        XCTAssertTrue(csv.hasPrefix("\u{FEFF}单位,月份,服务"))
        XCTAssertTrue(csv.contains("市公安局,2025-06,主机安全,台·月,120.00,15,1,60.00,已结算"), csv)
        XCTAssertTrue(csv.contains("市公安局,2025-06,主机安全,台·月,240.00,15,1,120.00,已结算"), csv)
        XCTAssertTrue(csv.contains("市公安局,2025-06,合计,,,,,180.00,已结算"), csv)
    }

    /// The metering job runs again shortly after midnight and re-meters yesterday; a price changed in
    /// between must not reach back into yesterday (a price change applies from the day it is made).
    func testReMeteringYesterdayKeepsYesterdaysPrice() async throws {
        let s = try await Scene(Harness(testCase: self, start: beijing(2025, 6, 1, 9)))
        let h = s.h
        _ = try await subscribe(s, .hostSecurity, hosts: [s.hostA.id], start: "2025-06-01")
        h.clock.set(beijing(2025, 6, 10, 23, 30))
        try await h.center.billing.meterThroughToday()
        h.clock.set(beijing(2025, 6, 11, 0, 10))
        try await setPrice(s, .hostSecurity, 24_000)
        try await h.center.billing.meterThroughToday()
        let usage = try await h.store.usage(unitID: s.unitA.id, month: june)
        XCTAssertEqual(usage.first { $0.day == Day("2025-06-10") }?.unitPrice, Fen(12_000), "June 10 was used at June 10's price")
        XCTAssertEqual(usage.first { $0.day == Day("2025-06-11") }?.unitPrice, Fen(24_000))
    }

    func testSiteMonthUsesTheDeclaredQuantity() async throws {
        let s = try await Scene(Harness(testCase: self, start: beijing(2025, 6, 1, 9)))
        let h = s.h
        await assertRefused("validation", fields: ["quantity"]) {
            try await h.center.subscriptions.apply(ApplicationDraft(unitID: s.unitA.id, service: "waf", systemIDs: [s.systemA.id],
                                                                    startDay: "2025-06-01", purpose: "x"), by: s.sec.principal)
        }
        let sub = try await subscribe(s, .waf, systems: [s.systemA.id], quantity: 3, start: "2025-06-01", end: "2025-06-05")
        XCTAssertEqual(sub.quantity, 3)
        XCTAssertEqual(sub.endDay, Day("2025-06-05"))
        h.clock.set(beijing(2025, 6, 9))
        try await h.center.billing.meterThroughToday()
        let st = try await h.center.billing.statement(unitID: s.unitA.id, month: june, by: s.sec.principal)
        let line = try XCTUnwrap(st.lines.first)
        XCTAssertEqual(st.lines.count, 1)
        XCTAssertEqual(line.meteringUnit, .siteMonth)
        XCTAssertEqual(line.daysUsed, 5, "active 1–5 June only")
        XCTAssertEqual(line.quantityDaysMilli, 3 * 5 * 1000, "three sites, whatever the hosts")
        XCTAssertEqual(line.amount, Fen(150_000), "¥3000 × 3 × 5/30")
        assertAddsUp(st)
    }

    func testGBMonthUsesTheDaysLastReportAndCarriesItForward() async throws {
        let s = try await Scene(Harness(testCase: self, start: beijing(2025, 6, 1, 9)))
        let h = s.h
        let engine = try await h.center.users.createToken(name: "backup-engine", scopes: ["usage:write"], by: s.sec.principal)
        let p = try await h.center.auth.authenticate(engine.token, source: "10.0.0.5")
        await assertRefused("forbidden", "a usage token reads nothing") { try await h.center.registry.hosts(HostQuery(), by: p) }
        let sub = try await subscribe(s, .localBackup, systems: [s.systemA.id], start: "2025-06-01")
        let gib: Int64 = 1 << 30
        let reports: [Int: [Int64]] = [1: [10 * gib], 3: [5 * gib, 20 * gib]]
        for d in 1...4 {
            h.clock.set(beijing(2025, 6, d, 12))
            for bytes in reports[d] ?? [] {
                try await h.center.billing.reportStorage(StorageReport(unitID: s.unitA.id, service: .localBackup, hostID: nil,
                                                                       day: Day(year: 2025, month: 6, day: d)!, bytes: bytes), by: p)
            }
            try await h.center.billing.meterThroughToday()
        }
        _ = try await h.center.subscriptions.end(sub.id, lastDay: Day("2025-06-04")!, version: sub.version, by: s.sec.principal)
        let usage = try await h.store.usage(unitID: s.unitA.id, month: june)
        XCTAssertEqual(usage.map(\.quantityMilli), [10_000, 10_000, 20_000, 20_000])
        let st = try await h.center.billing.statement(unitID: s.unitA.id, month: june, by: s.sec.principal)
        let line = try XCTUnwrap(st.lines.first)
        XCTAssertEqual(line.meteringUnit, .gbMonth)
        XCTAssertEqual(line.quantityDaysMilli, 60_000)
        XCTAssertEqual(line.amount, Fen(60), "60 GB·days at ¥0.30 per GB-month of 30 days")
        XCTAssertEqual(line.averageQuantityText, "15")
        assertAddsUp(st)

        let report = try await h.store.auditRecords(AuditQuery(action: "usage.storage-report"), page: PageRequest()).items.first
        XCTAssertEqual(report?.actorName, "secadmin/token:backup-engine")

        await assertRefused("validation", fields: ["bytes"]) {
            try await h.center.billing.reportStorage(StorageReport(unitID: s.unitA.id, service: .localBackup, hostID: nil, day: Day("2025-06-04")!,
                                                                   bytes: -1), by: p)
        }
        await assertRefused("validation", fields: ["service"]) {
            try await h.center.billing.reportStorage(StorageReport(unitID: s.unitA.id, service: .hostSecurity, hostID: nil, day: Day("2025-06-04")!,
                                                                   bytes: 1), by: p)
        }
        await assertRefused("validation", fields: ["day"]) {
            try await h.center.billing.reportStorage(StorageReport(unitID: s.unitA.id, service: .localBackup, hostID: nil, day: Day("2025-06-05")!,
                                                                   bytes: 1), by: p)
        }
        await assertRefused("conflict", fields: ["unitID"]) {
            try await h.center.billing.reportStorage(StorageReport(unitID: 999, service: .localBackup, hostID: nil, day: Day("2025-06-04")!,
                                                                   bytes: 1), by: p)
        }
    }

    func testAClosedMonthNeverChanges() async throws {
        let s = try await Scene(Harness(testCase: self, start: beijing(2025, 6, 1, 9)))
        let h = s.h
        let sub = try await subscribe(s, .hostSecurity, systems: [s.systemA.id], start: "2025-06-01")
        let backup = try await subscribe(s, .localBackup, systems: [s.systemA.id], start: "2025-06-01")
        try await h.center.billing.reportStorage(StorageReport(unitID: s.unitA.id, service: .localBackup, hostID: nil, day: Day("2025-06-01")!,
                                                               bytes: 3 << 30), by: s.sec.principal)
        h.clock.set(beijing(2025, 6, 30, 12))
        await assertRefused("conflict", fields: ["month"], "the current month is not finished") { try await h.center.billing.close(self.june, by: s.sec.principal) }
        h.clock.set(beijing(2025, 7, 1, 0, 30))
        await assertRefused("conflict", fields: ["month"]) { try await h.center.billing.close(Month(year: 2025, month: 7)!, by: s.sec.principal) }
        await assertRefused("conflict", fields: ["month"]) { try await h.center.billing.close(Month(year: 2025, month: 8)!, by: s.sec.principal) }
        let statements = try await h.center.billing.close(june, by: s.sec.principal)
        let st = try XCTUnwrap(statements.first)
        XCTAssertEqual(st.lines.map(\.service), [.hostSecurity, .localBackup])
        XCTAssertEqual(st.lines.map(\.amount), [Fen(12_000), Fen(90)], "one host all month; 3 GB all month at ¥0.30")
        assertAddsUp(st)
        let stored = try h.sqlite("SELECT unit_id, total, body FROM statement;")
        XCTAssertEqual(stored.status, 0, stored.error)
        XCTAssertTrue(stored.output.hasPrefix("\(s.unitA.id)|12090|"), stored.output)
        let closedMonths = try await h.center.billing.closedMonths(by: s.sec.principal)
        XCTAssertEqual(closedMonths, [june])
        let record = try await h.store.auditRecords(AuditQuery(action: "billing.close-month"), page: PageRequest()).items.first
        XCTAssertEqual(record?.targetID, "2025-06")
        XCTAssertEqual(record?.actorName, "secadmin")

        await assertRefused("conflict", fields: ["month"], "already closed") { try await h.center.billing.close(self.june, by: s.sec.principal) }
        // Usage in June can no longer change by any route.
        let metered = try await h.store.meterDay(Day("2025-06-15")!)
        XCTAssertEqual(metered, 0)
        await assertRefused("conflict", fields: ["day"]) {
            try await h.center.billing.reportStorage(StorageReport(unitID: s.unitA.id, service: .localBackup, hostID: nil, day: Day("2025-06-20")!,
                                                                   bytes: 500 << 30), by: s.sec.principal)
        }
        await assertRefused("conflict", fields: ["lastDay"]) {
            try await h.center.subscriptions.end(sub.id, lastDay: Day("2025-06-20")!, version: sub.version, by: s.sec.principal)
        }
        // Nor by changing what it was computed from.
        _ = try await h.center.registry.createHost(HostDraft(systemID: s.systemA.id, hostname: "late", ips: ["10.1.0.90"], os: "UOS",
                                                             platform: "浪潮云"), by: s.sec.principal)
        try await setPrice(s, .hostSecurity, 99_999)
        try await h.center.billing.meterThroughToday()
        for d in 1...30 { _ = try await h.store.meterDay(Day(year: 2025, month: 6, day: d)!) }
        let reread = try await h.center.billing.statement(unitID: s.unitA.id, month: june, by: s.sec.principal)
        XCTAssertEqual(reread, st)
        XCTAssertTrue(reread.closed)
        let unitView = try await h.center.billing.statement(unitID: s.unitA.id, month: june, by: try await h.account(.unitReadOnly, unit: s.unitA.id).principal)
        XCTAssertEqual(unitView, st)
        let again = try h.sqlite("SELECT unit_id, total, body FROM statement;")
        XCTAssertEqual(again.output, stored.output, "the stored statement is byte-identical")
        // July goes on as normal, at the new price and with the new host.
        _ = try await h.center.subscriptions.end(backup.id, lastDay: Day("2025-07-01")!, version: backup.version, by: s.sec.principal)
        let july = try await h.center.billing.statement(unitID: s.unitA.id, month: Month(year: 2025, month: 7)!, by: s.sec.principal)
        XCTAssertEqual(july.lines.first?.unitPrice, Fen(99_999))
        XCTAssertEqual(july.lines.first?.quantityDaysMilli, 2000)
    }

    func testApprovalStartsOnTheLaterOfRequestAndToday() async throws {
        let s = try await Scene(Harness(testCase: self))
        let unit = try await s.h.account(.unitAdmin, unit: s.unitA.id).principal
        let past = try await s.h.center.subscriptions.apply(ApplicationDraft(service: "host-security", systemIDs: [s.systemA.id],
                                                                             startDay: "2025-06-05", purpose: "补办"), by: unit)
        let future = try await s.h.center.subscriptions.apply(ApplicationDraft(service: "log-audit", systemIDs: [s.systemA.id],
                                                                               startDay: "2025-06-20", endDay: "2025-12-31", purpose: "上线前"), by: unit)
        s.h.clock.set(beijing(2025, 6, 12, 9))
        let a = try await s.h.center.subscriptions.decide(past.id, approve: true, note: "", version: past.version, by: s.sec.principal)
        let b = try await s.h.center.subscriptions.decide(future.id, approve: true, note: "同意", version: future.version, by: s.sec.principal)
        let subA = try await s.h.center.subscriptions.subscriptions(activeOn: nil, service: .hostSecurity, page: PageRequest(), by: unit).items
        let subB = try await s.h.center.subscriptions.subscriptions(activeOn: nil, service: .logAudit, page: PageRequest(), by: unit).items
        XCTAssertEqual(subA.map(\.id), [a.subscriptionID!])
        XCTAssertEqual(subA.first?.startDay, Day("2025-06-12"), "nothing is billed for days before the approval")
        XCTAssertEqual(subB.map(\.id), [b.subscriptionID!])
        XCTAssertEqual(subB.first?.startDay, Day("2025-06-20"))
        XCTAssertEqual(subB.first?.endDay, Day("2025-12-31"))
        XCTAssertEqual(a.decidedBy, "secadmin")
        let active = try await s.h.center.subscriptions.subscriptions(activeOn: Day("2025-06-15"), service: nil, page: PageRequest(), by: unit)
        XCTAssertEqual(active.items.map(\.service), [.hostSecurity])
        let counts = try await s.h.center.registry.counts(by: unit)
        XCTAssertEqual(counts.activeSubscriptions, 1)
    }

    func testRejectingWithdrawingAndDecidingTwice() async throws {
        let s = try await Scene(Harness(testCase: self))
        let c = s.h.center
        let unit = try await s.h.account(.unitAdmin, unit: s.unitA.id).principal
        func apply() async throws -> ServiceApplication {
            try await c.subscriptions.apply(ApplicationDraft(service: "vuln-scan", hostIDs: [s.hostA.id], startDay: "2025-06-10", purpose: "扫描"),
                                            by: unit)
        }
        let one = try await apply()
        await assertRefused("validation", fields: ["note"], "a rejection needs a reason") {
            try await c.subscriptions.decide(one.id, approve: false, note: "  ", version: one.version, by: s.sec.principal)
        }
        let rejected = try await c.subscriptions.decide(one.id, approve: false, note: "资产未备案", version: one.version, by: s.sec.principal)
        XCTAssertEqual(rejected.status, .rejected)
        XCTAssertEqual(rejected.decisionNote, "资产未备案")
        XCTAssertNil(rejected.subscriptionID)
        await assertRefused("conflict", fields: ["status"], "a decided application cannot be withdrawn") {
            try await c.subscriptions.withdraw(one.id, version: rejected.version, by: unit)
        }
        await assertRefused("versionConflict") {
            try await c.subscriptions.decide(one.id, approve: true, note: "", version: one.version, by: s.sec.principal)
        }
        await assertRefused("conflict", fields: ["status"], "nor decided again") {
            try await c.subscriptions.decide(one.id, approve: true, note: "", version: rejected.version, by: s.sec.principal)
        }

        let two = try await apply()
        let approved = try await c.subscriptions.decide(two.id, approve: true, note: "", version: two.version, by: s.sec.principal)
        await assertRefused("conflict", fields: ["status"]) { try await c.subscriptions.withdraw(two.id, version: approved.version, by: unit) }

        let three = try await apply()
        let withdrawn = try await c.subscriptions.withdraw(three.id, version: three.version, by: unit)
        XCTAssertEqual(withdrawn.status, .withdrawn)
        await assertRefused("conflict", fields: ["status"]) {
            try await c.subscriptions.decide(three.id, approve: true, note: "", version: withdrawn.version, by: s.sec.principal)
        }

        let expired = try await c.subscriptions.apply(ApplicationDraft(service: "vuln-scan", hostIDs: [s.hostA.id], startDay: "2025-06-01",
                                                                        endDay: "2025-06-05", purpose: "过期"), by: unit)
        await assertRefused("conflict", fields: ["endDay"], "the requested period is over") {
            try await c.subscriptions.decide(expired.id, approve: true, note: "", version: expired.version, by: s.sec.principal)
        }
        let subs = try await c.subscriptions.subscriptions(activeOn: nil, service: nil, page: PageRequest(), by: s.sec.principal)
        XCTAssertEqual(subs.items.map(\.applicationID), [two.id], "only the approved application became a subscription")
        let pending = try await c.subscriptions.applications(status: .pending, page: PageRequest(), by: s.sec.principal)
        XCTAssertEqual(pending.items.map(\.id), [expired.id])
    }
}
