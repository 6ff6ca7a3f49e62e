import AnyunCore
import AnyunStore
import Center
import Hummingbird

/// 审计日志 (audit administrator): the tamper-evident trail, filtered and paged, and its verification.
enum AuditPages {
    struct Row {
        let seq: Int64
        let time: String
        let actor: String
        let role: String
        let source: String
        let action: String
        let target: String
        let outcome: Badge
        let detail: String
        let before: String?
        let after: String?
        let hasChange: Bool
    }

    struct Verification {
        let intact: Bool
        let recordsChecked: Int
        let sealsChecked: Int
        let lastSeq: Int64
        let problem: String?
        let firstBadSeq: Int64?
    }

    struct View {
        let actor: String
        let action: String
        let rows: [Row]
        let empty: Bool
        let pager: Pager
        let verification: Verification?
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("audit") { request, context in
            try await page(env, request: request, context: context, verification: nil)
        }

        // A POST because verifying is itself recorded in the trail.
        pages.post("audit/verify") { request, context in
            let p = try context.requirePrincipal()
            _ = try await FormData.posted(request, context: context)
            let r = try await env.center.audit.verify(by: p)
            let verification = Verification(intact: r.intact, recordsChecked: r.recordsChecked, sealsChecked: r.sealsChecked,
                                            lastSeq: r.lastSeq, problem: r.problem?.description, firstBadSeq: r.problem?.seq)
            return try await page(env, request: request, context: context, verification: verification)
        }
    }

    static func page(_ env: ConsoleEnv, request: Request, context: AppContext, verification: Verification?) async throws -> Response {
        let p = try context.requirePrincipal()
        let q = FormData.query(request)
        let page = try q.page()
        let result = try await env.center.audit.records(AuditQuery(actor: q["actor"], action: q["action"]), page: page, by: p)
        let time = env.renderer.time
        let rows = result.items.map { r in
            Row(seq: r.seq, time: time.text(r.time), actor: r.actorName, role: roleName(r.actorRole), source: r.sourceAddress,
                action: r.action, target: r.targetID == "*" ? r.targetType : "\(r.targetType) #\(r.targetID)",
                outcome: r.outcome == "success" ? Badge(text: "成功", tone: "ok") : Badge(text: r.outcome == "failure" ? "失败" : r.outcome, tone: "danger"),
                detail: r.detail ?? "", before: r.before, after: r.after, hasChange: r.before != nil || r.after != nil)
        }
        let query = QueryString([("actor", q["actor"]), ("action", q["action"])])
        let view = View(actor: q["actor"] ?? "", action: q["action"] ?? "", rows: rows, empty: rows.isEmpty,
                        pager: Pager(path: "/audit", query: query, page: page, shown: rows.count, total: result.total),
                        verification: verification)
        return await env.renderer.page("audit", title: "审计日志", nav: .audit, view, context: context)
    }

    static func roleName(_ raw: String) -> String {
        Role(rawValue: raw).map(\.chineseName) ?? (raw == "anonymous" ? "未登录" : raw == "system" ? "系统" : raw)
    }
}
