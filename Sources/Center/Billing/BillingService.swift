import AnyunCore
import AnyunStore
import Foundation

/// Metering by day and monthly settlement (按需购买、据实结算).
public struct BillingService: Sendable {
    let store: any CenterStore
    let today: @Sendable () -> Day
    let now: @Sendable () -> Date

    /// How far back a first metering run reaches when nothing was metered before.
    static let firstRunLookback = 62

    public init(store: any CenterStore, today: @escaping @Sendable () -> Day, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.today = today
        self.now = now
    }

    /// Meters every day from the last metered one (again, as it may have been metered while
    /// still in progress) through today. Safe to run at any time and as often as wanted.
    @discardableResult
    public func meterThroughToday() async throws -> Int {
        let end = today()
        var day = try await store.lastMeteredDay() ?? end.adding(days: -Self.firstRunLookback)
        var metered = 0
        while day <= end {
            _ = try await store.meterDay(day)
            metered += 1
            day = day.adding(days: 1)
        }
        return metered
    }

    public func reportStorage(_ report: StorageReport, by p: Principal) async throws {
        try p.require(.usageReport)
        var v = Validator()
        v.require(report.bytes >= 0, "bytes", "不能为负数 (must not be negative)")
        v.require(report.service.defaultMeteringUnit == .gbMonth, "service", "该服务不按存储量计费 (service is not billed by storage)")
        v.require(report.day <= today(), "day", "不能上报未来日期 (day is in the future)")
        try requireValid(v)
        try await translating { try await store.reportStorage(report, by: p.auditActor) }
    }

    /// A unit's statement: the stored one for a closed month, else a preview from usage so far.
    public func statement(unitID: Int64, month: Month, by p: Principal) async throws -> BillingStatement {
        try p.require(.billingRead)
        guard let unit = try await store.unit(id: unitID, scope: p.tenantScope) else { throw CenterError.notFound("unit \(unitID)") }
        if let closed = try await store.closedStatement(unitID: unitID, month: month) { return closed }
        // A closed month without a stored statement had no usage for this unit: it is final and empty.
        return try await compute(unit: unit, month: month, closed: try await store.isClosed(month))
    }

    func compute(unit: GovUnit, month: Month, closed: Bool) async throws -> BillingStatement {
        let usage = try await store.usage(unitID: unit.id, month: month)
        let catalog = Dictionary(uniqueKeysWithValues: try await store.catalog().map { ($0.service, $0) })
        return BillingStatement(unitID: unit.id, unitName: unit.name, month: month,
                                lines: Self.lines(usage, catalog: catalog, daysInMonth: month.dayCount),
                                closed: closed, generatedAt: now())
    }

    /// One line per subscription and price: a price change mid-month splits the line, so
    /// each day is charged at the price it was metered with.
    static func lines(_ usage: [UsageRecord], catalog: [ServiceKind: CatalogEntry], daysInMonth: Int) -> [StatementLine] {
        struct Key: Hashable { var subscription: Int64; var price: Int64 }
        var groups: [Key: [UsageRecord]] = [:]
        for u in usage { groups[Key(subscription: u.subscriptionID, price: u.unitPrice.value), default: []].append(u) }
        let order = Dictionary(uniqueKeysWithValues: ServiceKind.allCases.enumerated().map { ($1, $0) })
        return groups.map { key, records in
            let service = records[0].service
            let entry = catalog[service]
            let quantity = records.reduce(Int64(0)) { $0 + $1.quantityMilli }
            return StatementLine(
                subscriptionID: key.subscription, service: service, serviceName: entry?.name ?? service.chineseName,
                meteringUnit: entry?.meteringUnit ?? service.defaultMeteringUnit, unitPrice: Fen(key.price),
                daysUsed: records.filter { $0.quantityMilli > 0 }.count, quantityDaysMilli: quantity,
                amount: Proration.amount(unitPrice: Fen(key.price), quantityDaysMilli: quantity, daysInMonth: daysInMonth))
        }
        .filter { $0.quantityDaysMilli > 0 }
        .sorted { (order[$0.service] ?? 0, $0.subscriptionID, $0.unitPrice.value) < (order[$1.service] ?? 0, $1.subscriptionID, $1.unitPrice.value) }
    }

    /// Closes a finished month: meters it to its end, fixes every unit's statement and makes them final.
    public func close(_ month: Month, by p: Principal) async throws -> [BillingStatement] {
        try p.require(.billingClose)
        guard month < today().monthOf else {
            throw CenterError.conflict(FieldError("month", "只能结算已结束的月份 (only a finished month can be closed)"))
        }
        if try await store.isClosed(month) { throw CenterError.conflict(FieldError("month", "\(month) 已结算 (already closed)")) }
        try await meterThroughToday()
        var statements: [BillingStatement] = []
        for unit in try await RegistryService(store: store).allUnits(p) {
            let s = try await compute(unit: unit, month: month, closed: true)
            if !s.lines.isEmpty { statements.append(s) }
        }
        try await translating { try await store.closeMonth(month, statements: statements, by: p.auditActor) }
        return statements
    }

    public func closedMonths(by p: Principal) async throws -> [Month] {
        try p.require(.billingRead)
        return try await store.closedMonths()
    }

    /// This month's charges so far, per service, over the units the caller may see.
    public func monthToDate(by p: Principal) async throws -> [(service: ServiceKind, amount: Fen)] {
        try p.require(.billingRead)
        var totals: [ServiceKind: Fen] = [:]
        let month = today().monthOf
        for unit in try await RegistryService(store: store).allUnits(p) {
            for line in try await statement(unitID: unit.id, month: month, by: p).lines {
                totals[line.service, default: .zero] = totals[line.service, default: .zero] + line.amount
            }
        }
        return ServiceKind.allCases.compactMap { s in totals[s].map { (s, $0) } }
    }

    public static func csv(_ s: BillingStatement) -> [UInt8] {
        var out = "\u{FEFF}" + CSV.line(["单位", "月份", "服务", "计量单位", "单价(元)", "使用天数", "日均数量", "金额(元)", "状态"])
        for l in s.lines {
            out += CSV.line([s.unitName, s.month.description, l.serviceName, l.meteringUnit.chineseName, l.unitPrice.yuanText,
                             String(l.daysUsed), l.averageQuantityText, l.amount.yuanText, s.closed ? "已结算" : "未结算（预览）"])
        }
        out += CSV.line([s.unitName, s.month.description, "合计", "", "", "", "", s.total.yuanText, s.closed ? "已结算" : "未结算（预览）"])
        return Array(out.utf8)
    }
}
