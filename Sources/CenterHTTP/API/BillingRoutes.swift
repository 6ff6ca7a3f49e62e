import AnyunCore
import AnyunStore
import Center
import Hummingbird

struct Decision: Decodable {
    var note: String?
    var version: Int?
}

struct EndRequest: Decodable {
    var lastDay: String?
    var version: Int?
}

struct CloseRequest: Decodable {
    var month: String?
}

enum BillingRoutes {
    static func add(to api: RouterGroup<AppContext>, center: Center) {
        api.get("catalog") { _, context in
            try JSONIO.response(Items(items: try await center.catalog.entries(by: try context.requirePrincipal())))
        }
        api.put("catalog/:service") { request, context in
            let change = try await JSONIO.decode(CatalogUpdate.self, from: request)
            let service = context.parameters.get("service") ?? ""
            return try JSONIO.response(try await center.catalog.update(service, change, by: try context.requirePrincipal()))
        }

        api.get("applications") { request, context in
            let status = try request.string("status").map { raw in
                guard let s = ApplicationStatus(rawValue: raw) else {
                    throw Problem(.badRequest, "Bad Request", detail: "status: 未知的状态 (unknown status)",
                                  invalidParams: [.init(name: "status", reason: "unknown status", line: nil)])
                }
                return s
            }
            return try JSONIO.response(try await center.subscriptions.applications(status: status, page: try request.page,
                                                                                 by: try context.requirePrincipal()))
        }
        api.post("applications") { request, context in
            let draft = try await JSONIO.decode(ApplicationDraft.self, from: request)
            return try JSONIO.response(try await center.subscriptions.apply(draft, by: try context.requirePrincipal()), status: .created)
        }
        api.get("applications/:id") { _, context in
            try JSONIO.response(try await center.subscriptions.application(try context.parameters.id(), by: try context.requirePrincipal()))
        }
        for (verb, approve) in [("approve", true), ("reject", false)] {
            api.post("applications/:id/\(verb)") { request, context in
                let bytes = try await JSONIO.body(request)
                let body = try JSONIO.decode(Decision.self, bytes: bytes)
                return try JSONIO.response(try await center.subscriptions.decide(
                    try context.parameters.id(), approve: approve, note: body.note ?? "",
                    version: try JSONIO.version(request, bytes: bytes), by: try context.requirePrincipal()))
            }
        }
        api.post("applications/:id/withdraw") { request, context in
            let bytes = try await JSONIO.body(request)
            return try JSONIO.response(try await center.subscriptions.withdraw(
                try context.parameters.id(), version: try JSONIO.version(request, bytes: bytes), by: try context.requirePrincipal()))
        }

        api.get("subscriptions") { request, context in
            let day = try request.string("activeOn").map { raw -> Day in
                guard let d = Day(raw) else { throw CenterError.validation([FieldError("activeOn", "日期格式应为 YYYY-MM-DD")]) }
                return d
            }
            let service = try request.string("service").map { raw -> ServiceKind in
                guard let s = ServiceKind(rawValue: raw) else { throw CenterError.validation([FieldError("service", "未知的服务 (unknown service)")]) }
                return s
            }
            return try JSONIO.response(try await center.subscriptions.subscriptions(activeOn: day, service: service, page: try request.page,
                                                                                  by: try context.requirePrincipal()))
        }
        api.post("subscriptions/:id/end") { request, context in
            let bytes = try await JSONIO.body(request)
            let body = try JSONIO.decode(EndRequest.self, bytes: bytes)
            guard let day = body.lastDay.flatMap(Day.init) else {
                throw CenterError.validation([FieldError("lastDay", "日期格式应为 YYYY-MM-DD (expected YYYY-MM-DD)")])
            }
            return try JSONIO.response(try await center.subscriptions.end(try context.parameters.id(), lastDay: day,
                                                                        version: try JSONIO.version(request, bytes: bytes),
                                                                        by: try context.requirePrincipal()))
        }

        // Engines (backup) report stored bytes per unit and day; billed as GB·month.
        api.post("usage/storage") { request, context in
            let report = try await JSONIO.decode(StorageReport.self, from: request)
            try await center.billing.reportStorage(report, by: try context.requirePrincipal())
            return Response(status: .accepted)
        }

        api.get("statements/:unit/:month") { _, context in
            let (unit, month, csv) = try statementKey(context)
            let statement = try await center.billing.statement(unitID: unit, month: month, by: try context.requirePrincipal())
            if csv {
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                       .contentDisposition: "attachment; filename=\"statement-\(unit)-\(month).csv\""],
                                body: .init(byteBuffer: ByteBuffer(bytes: BillingService.csv(statement))))
            }
            return try JSONIO.response(statement)
        }
        api.get("billing/months") { _, context in
            try JSONIO.response(Items(items: try await center.billing.closedMonths(by: try context.requirePrincipal())))
        }
        api.post("billing/close") { request, context in
            let body = try await JSONIO.decode(CloseRequest.self, from: request)
            guard let month = body.month.flatMap(Month.init) else {
                throw CenterError.validation([FieldError("month", "月份格式应为 YYYY-MM (expected YYYY-MM)")])
            }
            let statements = try await center.billing.close(month, by: try context.requirePrincipal())
            return try JSONIO.response(Items(items: statements))
        }
    }

    /// `/statements/12/2026-10` or `/statements/12/2026-10.csv`.
    static func statementKey(_ context: AppContext) throws -> (Int64, Month, Bool) {
        let unit = try context.parameters.id("unit")
        var raw = context.parameters.get("month") ?? ""
        let csv = raw.hasSuffix(".csv")
        if csv { raw.removeLast(4) }
        guard let month = Month(raw) else {
            throw CenterError.validation([FieldError("month", "月份格式应为 YYYY-MM (expected YYYY-MM)")])
        }
        return (unit, month, csv)
    }
}

/// A list answer: `{"items": [...]}`, the same shape as pages without a total.
struct Items<T: Encodable>: Encodable {
    var items: [T]
}
