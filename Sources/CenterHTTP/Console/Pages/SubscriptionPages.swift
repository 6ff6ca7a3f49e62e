import AnyunCore
import AnyunStore
import Center
import Hummingbird

/// 服务订购: subscriptions in force today by default, or all of them.
enum SubscriptionPages {
    struct Row {
        let id: Int64
        let unitID: Int64
        let unitName: String
        let service: String
        let covers: String
        let startDay: String
        let endDay: String
        let applicationID: Int64
        let state: Badge
    }

    struct View {
        let today: String
        let showAll: Bool
        let services: [Option]
        let rows: [Row]
        let empty: Bool
        let pager: Pager
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("subscriptions") { request, context in
            let p = try context.requirePrincipal()
            let q = FormData.query(request)
            let page = try q.page()
            let today = env.center.today
            let showAll = q["scope"] == "all"
            let service = try q["service"].map { raw in
                guard let s = ServiceKind(rawValue: raw) else { throw ConsoleError.badRequest("未知的服务 (unknown service)") }
                return s
            }
            let result = try await env.center.subscriptions.subscriptions(activeOn: showAll ? nil : today, service: service,
                                                                         page: page, by: p)
            let directory = try await Directory.load(env.center, p, withSystems: false)
            let rows = result.items.map { s in
                Row(id: s.id, unitID: s.unitID, unitName: directory.unitName(s.unitID), service: s.service.chineseName,
                    covers: covers(s), startDay: s.startDay.description, endDay: s.endDay?.description ?? "长期",
                    applicationID: s.applicationID, state: state(s, today: today))
            }
            let query = QueryString([("scope", showAll ? "all" : nil), ("service", service?.rawValue)])
            let view = View(today: today.description, showAll: showAll,
                            services: ServiceKind.allCases.map { Option(value: $0.rawValue, label: $0.chineseName, selected: $0 == service) },
                            rows: rows, empty: rows.isEmpty,
                            pager: Pager(path: "/subscriptions", query: query, page: page, shown: rows.count, total: result.total))
            return await env.renderer.page("subscriptions", title: "服务订购", nav: .subscriptions, view, context: context)
        }
    }

    static func covers(_ s: Subscription) -> String {
        var parts: [String] = []
        if !s.systemIDs.isEmpty { parts.append("\(s.systemIDs.count) 个系统") }
        if !s.hostIDs.isEmpty { parts.append("\(s.hostIDs.count) 台主机") }
        if s.quantity > 0 { parts.append("数量 \(s.quantity)") }
        return parts.isEmpty ? "—" : parts.joined(separator: "，")
    }

    static func state(_ s: Subscription, today: Day) -> Badge {
        if s.isActive(on: today) { return Badge(text: "生效中", tone: "ok") }
        return s.startDay > today ? Badge(text: "未开始", tone: "info") : Badge(text: "已结束", tone: "muted")
    }
}
