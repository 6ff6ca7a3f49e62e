import AnyunCore
import AnyunStore
import Center
import Foundation
import Hummingbird

struct VerificationResponse: Encodable {
    var intact: Bool
    var recordsChecked: Int
    var sealsChecked: Int
    var lastSeq: Int64
    var firstBadSeq: Int64?
    var problem: String?
}

enum AuditRoutes {
    static func add(to api: RouterGroup<AppContext>, center: Center) {
        api.get("audit") { request, context in
            let q = AuditQuery(actor: request.string("actor"), action: request.string("action"),
                               targetType: request.string("targetType"), from: try date(request, "from"), to: try date(request, "to"))
            return try JSONIO.response(try await center.audit.records(q, page: try request.page, by: try context.requirePrincipal()))
        }
        api.get("audit/verify") { _, context in
            let r = try await center.audit.verify(by: try context.requirePrincipal())
            return try JSONIO.response(VerificationResponse(intact: r.intact, recordsChecked: r.recordsChecked, sealsChecked: r.sealsChecked,
                                                            lastSeq: r.lastSeq, firstBadSeq: r.problem?.seq,
                                                            problem: r.problem?.description))
        }
        api.get("audit/seals") { _, context in
            try JSONIO.response(Items(items: try await center.audit.seals(by: try context.requirePrincipal())))
        }
    }

    static func date(_ request: Request, _ name: String) throws -> Date? {
        guard let raw = request.string(name) else { return nil }
        if let d = ISO8601DateFormatter().date(from: raw) { return d }
        if let day = Day(raw) { return Date(timeIntervalSince1970: Double(day.ordinal * 86400 - 8 * 3600)) }
        throw CenterError.validation([FieldError(name, "时间格式应为 ISO 8601 或 YYYY-MM-DD (expected ISO 8601 date)")])
    }
}
