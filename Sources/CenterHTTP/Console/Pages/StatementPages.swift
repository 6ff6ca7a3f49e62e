import AnyunCore
import Center
import Hummingbird

/// 结算单: a unit's statement for a month (closed, or a preview of usage so far), an overview
/// of all units for administrators, and closing a finished month.
enum StatementPages {
    struct Line {
        let service: String
        let meteringUnit: String
        let unitPrice: String
        let daysUsed: Int
        let averageQuantity: String
        let amount: String
    }

    struct Statement {
        let unitID: Int64
        let unitName: String
        let month: String
        let closed: Bool
        let lines: [Line]
        let empty: Bool
        let total: String
        let generatedAt: String
        let csvURL: String
    }

    struct UnitTotal {
        let unitID: Int64
        let unitName: String
        let lineCount: Int
        let total: String
        let closed: Bool
        let href: String
    }

    struct Summary {
        let rows: [UnitTotal]
        let total: String
        let empty: Bool
    }

    struct View {
        let month: String
        let months: [Option]
        let units: [Option]
        let pickUnit: Bool
        let statement: Statement?
        let summary: Summary?
        let canClose: Bool
        let closable: [Option]
        let hasClosable: Bool
        let closedMonths: String
        let alert: Alert?
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("statements") { request, context in
            let q = FormData.query(request)
            let month = try q["month"].map { raw in
                guard let m = Month(raw) else { throw ConsoleError.badRequest("月份格式应为 YYYY-MM (month must be YYYY-MM)") }
                return m
            } ?? env.center.today.monthOf
            let notice = q["done"] == "closed" ? "\(month) 已结算，各单位结算单已生成并锁定。" : nil
            return try await page(env, context: context, month: month, unitID: try q.int64("unitID", label: "单位"), notice: notice)
        }

        pages.post("statements/close") { request, context in
            let p = try context.requirePrincipal()
            let form = try await FormData.posted(request, context: context)
            guard let month = form["month"].flatMap(Month.init) else {
                throw ConsoleError.badRequest("请选择要结算的月份 (month must be YYYY-MM)")
            }
            do {
                _ = try await env.center.billing.close(month, by: p)
                return PageRenderer.redirect("/statements?month=\(month)&done=closed")
            } catch let e as CenterError where e.isAboutInput {
                return try await page(env, context: context, month: month, unitID: nil, failure: ConsoleFailure(e))
            }
        }
    }

    static func page(_ env: ConsoleEnv, context: AppContext, month: Month, unitID requested: Int64?, notice: String? = nil,
                     failure: ConsoleFailure? = nil) async throws -> Response {
        let p = try context.requirePrincipal()
        try p.require(.billingRead)
        let center = env.center
        let directory = try await Directory.load(center, p, withSystems: false)
        // A unit user has exactly one unit; an administrator sees all units until picking one.
        let unitID = requested ?? (p.tenantScope == .allUnits ? nil : directory.units.first?.id)
        var statement: Statement?
        var summary: Summary?
        if let unitID {
            statement = self.statement(try await center.billing.statement(unitID: unitID, month: month, by: p), time: env.renderer.time)
        } else {
            var rows: [UnitTotal] = []
            var total = Fen.zero
            for unit in directory.units {
                let s = try await center.billing.statement(unitID: unit.id, month: month, by: p)
                total = total + s.total
                rows.append(UnitTotal(unitID: unit.id, unitName: unit.name, lineCount: s.lines.count, total: s.total.groupedYuan,
                                      closed: s.closed, href: "/statements" + QueryString([("unitID", String(unit.id)), ("month", month.description)]).text))
            }
            summary = Summary(rows: rows, total: total.groupedYuan, empty: rows.isEmpty)
        }
        let current = center.today.monthOf
        let recent = (0..<12).reduce(into: [current]) { list, _ in list.append(list.last!.previous) }
        let closed = Set(try await center.billing.closedMonths(by: p))
        let closable = recent.filter { $0 < current && !closed.contains($0) }
        let view = View(
            month: month.description,
            months: (recent.contains(month) ? recent : [month] + recent).map {
                Option(value: $0.description, label: $0.description + (closed.contains($0) ? "（已结算）" : ""), selected: $0 == month)
            },
            units: directory.unitOptions(selected: unitID), pickUnit: p.tenantScope == .allUnits,
            statement: statement, summary: summary,
            canClose: p.can(.billingClose),
            closable: closable.map { Option(value: $0.description, label: $0.description, selected: $0 == current.previous) },
            hasClosable: !closable.isEmpty,
            closedMonths: closed.isEmpty ? "无" : closed.sorted(by: >).prefix(12).map(\.description).joined(separator: "、"),
            alert: failure.map(Alert.init))
        return await env.renderer.page("statements", title: "结算单", nav: .statements, view, status: failure?.status ?? .ok,
                                       notice: notice, context: context)
    }

    static func statement(_ s: BillingStatement, time: TimeText) -> Statement {
        Statement(unitID: s.unitID, unitName: s.unitName, month: s.month.description, closed: s.closed,
                  lines: s.lines.map { l in
                      Line(service: l.serviceName, meteringUnit: l.meteringUnit.chineseName, unitPrice: l.unitPrice.groupedYuan,
                           daysUsed: l.daysUsed, averageQuantity: l.averageQuantityText, amount: l.amount.groupedYuan)
                  },
                  empty: s.lines.isEmpty, total: s.total.groupedYuan, generatedAt: time.text(s.generatedAt),
                  csvURL: "/api/v1/statements/\(s.unitID)/\(s.month).csv")
    }
}
