import AnyunCore
import AnyunStore
import Center
import Hummingbird

/// 服务申请: the list by status, one application, and its approval, rejection or withdrawal.
enum ApplicationPages {
    struct Row {
        let id: Int64
        let unitName: String
        let service: String
        let scope: String
        let startDay: String
        let endDay: String
        let status: Badge
        let applicant: String
        let createdAt: String
    }

    struct ListView {
        let statuses: [Option]
        let rows: [Row]
        let empty: Bool
        let pager: Pager
        let canFile: Bool
    }

    struct Ref {
        let id: Int64
        let name: String
    }

    struct DetailView {
        let id: Int64
        let unitID: Int64
        let unitName: String
        let service: String
        let meteringUnit: String
        let systems: [Ref]
        let hosts: [Ref]
        let hasSystems: Bool
        let hasHosts: Bool
        let quantity: Int?
        let startDay: String
        let endDay: String
        let purpose: String
        let status: Badge
        let applicant: String
        let createdAt: String
        let decidedBy: String?
        let decidedAt: String?
        let decisionNote: String?
        let subscriptionID: Int64?
        let version: Int
        let canDecide: Bool
        let canWithdraw: Bool
        let note: String
        let alert: Alert?
    }

    static let notices = [
        "created": "申请已提交，等待安全管理员审批。", "approve": "已批准该申请，订购已生效。",
        "reject": "已驳回该申请。", "withdraw": "已撤回该申请。",
    ]

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("applications") { request, context in
            let p = try context.requirePrincipal()
            let q = FormData.query(request)
            let page = try q.page()
            let status = try q["status"].map { raw in
                guard let s = ApplicationStatus(rawValue: raw) else { throw ConsoleError.badRequest("未知的申请状态 (unknown status)") }
                return s
            }
            let result = try await env.center.subscriptions.applications(status: status, page: page, by: p)
            let directory = try await Directory.load(env.center, p, withSystems: false)
            let time = env.renderer.time
            let rows = result.items.map { a in
                Row(id: a.id, unitName: directory.unitName(a.unitID), service: a.service.chineseName, scope: scope(a),
                    startDay: a.startDay.description, endDay: a.endDay?.description ?? "长期", status: a.status.badge,
                    applicant: a.applicant, createdAt: time.minutes(a.createdAt))
            }
            let view = ListView(
                statuses: ApplicationStatus.allCases.map { Option(value: $0.rawValue, label: $0.chineseName, selected: $0 == status) },
                rows: rows, empty: rows.isEmpty,
                pager: Pager(path: "/applications", query: QueryString([("status", status?.rawValue)]), page: page,
                             shown: rows.count, total: result.total),
                canFile: p.can(.applicationFile))
            return await env.renderer.page("applications", title: "服务申请", nav: .applications, view, context: context)
        }

        pages.get("applications/:id") { request, context in
            let notice = FormData.query(request)["done"].flatMap { notices[$0] }
            return try await detail(env, id: try context.parameters.id(), context: context, notice: notice)
        }

        pages.post("applications/:id/decide") { request, context in
            let p = try context.requirePrincipal()
            let form = try await FormData.posted(request, context: context)
            let id = try context.parameters.id()
            guard let decision = form["decision"], decision == "approve" || decision == "reject" else {
                throw ConsoleError.badRequest("请选择批准或驳回 (decision must be approve or reject)")
            }
            let version = try form.version()
            do {
                _ = try await env.center.subscriptions.decide(id, approve: decision == "approve", note: form["note"] ?? "",
                                                              version: version, by: p)
                return PageRenderer.redirect("/applications/\(id)?done=\(decision)")
            } catch let e as CenterError where e.isAboutInput {
                return try await detail(env, id: id, context: context, failure: ConsoleFailure(e), note: form["note"] ?? "")
            }
        }

        pages.post("applications/:id/withdraw") { request, context in
            let p = try context.requirePrincipal()
            let form = try await FormData.posted(request, context: context)
            let id = try context.parameters.id()
            do {
                _ = try await env.center.subscriptions.withdraw(id, version: try form.version(), by: p)
                return PageRenderer.redirect("/applications/\(id)?done=withdraw")
            } catch let e as CenterError where e.isAboutInput {
                return try await detail(env, id: id, context: context, failure: ConsoleFailure(e))
            }
        }
    }

    /// What the application covers, in a few words for the list.
    static func scope(_ a: ServiceApplication) -> String {
        var parts: [String] = []
        if !a.systemIDs.isEmpty { parts.append("\(a.systemIDs.count) 个系统") }
        if !a.hostIDs.isEmpty { parts.append("\(a.hostIDs.count) 台主机") }
        if a.quantity > 0 { parts.append("数量 \(a.quantity)") }
        return parts.isEmpty ? "—" : parts.joined(separator: "，")
    }

    static func detail(_ env: ConsoleEnv, id: Int64, context: AppContext, notice: String? = nil,
                       failure: ConsoleFailure? = nil, note: String = "") async throws -> Response {
        let p = try context.requirePrincipal()
        let center = env.center
        let a = try await center.subscriptions.application(id, by: p)
        let directory = try await Directory.load(center, p, systemsOfUnit: a.unitID)
        var hosts: [Ref] = []
        for hostID in a.hostIDs {
            let name = (try? await center.registry.host(hostID, by: p).hostname) ?? "主机 #\(hostID)"
            hosts.append(Ref(id: hostID, name: name))
        }
        let metering = (try await center.catalog.entries(by: p)).first { $0.service == a.service }?.meteringUnit
            ?? a.service.defaultMeteringUnit
        let time = env.renderer.time
        let pending = a.status == .pending
        let ownUnit = p.unitID == a.unitID || a.applicant == p.username
        let view = DetailView(
            id: a.id, unitID: a.unitID, unitName: directory.unitName(a.unitID), service: a.service.chineseName,
            meteringUnit: metering.chineseName,
            systems: a.systemIDs.map { Ref(id: $0, name: directory.systemName($0)) }, hosts: hosts,
            hasSystems: !a.systemIDs.isEmpty, hasHosts: !hosts.isEmpty,
            quantity: metering.quantitySource == .declared ? a.quantity : nil,
            startDay: a.startDay.description, endDay: a.endDay?.description ?? "长期（未设结束日期）",
            purpose: a.purpose, status: a.status.badge, applicant: a.applicant, createdAt: time.text(a.createdAt),
            decidedBy: a.decidedBy, decidedAt: time.text(a.decidedAt), decisionNote: a.decisionNote.flatMap { $0.isEmpty ? nil : $0 },
            subscriptionID: a.subscriptionID, version: a.version,
            canDecide: pending && p.can(.applicationDecide), canWithdraw: pending && p.can(.applicationFile) && ownUnit,
            note: note,
            alert: failure.map(Alert.init))
        return await env.renderer.page("application", title: "服务申请 #\(a.id)", nav: .applications, view,
                                       status: failure?.status ?? .ok, notice: notice, context: context)
    }
}
