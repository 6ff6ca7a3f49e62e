import AnyunCore
import AnyunStore
import Center
import Hummingbird

/// 总览: what the caller's scope holds, which services are in use and this month's charges so far.
enum OverviewPage {
    struct Stat {
        let label: String
        let value: Int
        let href: String?
    }

    struct ServiceUse {
        let name: String
        let count: Int
        let max: Int
    }

    struct Charge {
        let name: String
        let amount: String
    }

    struct Charges {
        let month: String
        let lines: [Charge]
        let total: String
        let empty: Bool
    }

    struct View {
        let today: String
        let stats: [Stat]
        let services: [ServiceUse]
        let noServices: Bool
        let charges: Charges?
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("/") { _, context in
            let p = try context.requirePrincipal()
            let center = env.center
            let today = center.today
            let counts = try await center.registry.counts(by: p)
            var stats = [
                Stat(label: "单位", value: counts.units, href: "/units"),
                Stat(label: "业务系统", value: counts.systems, href: "/systems"),
                Stat(label: "云主机", value: counts.hosts, href: "/hosts"),
                Stat(label: "生效订购", value: counts.activeSubscriptions, href: "/subscriptions"),
            ]
            if p.can(.applicationDecide) {
                let pending = try await center.subscriptions.applications(status: .pending, page: PageRequest(limit: 1), by: p)
                stats.append(Stat(label: "待审批申请", value: pending.total, href: "/applications?status=pending"))
            }

            let uses = try await activeSubscriptionsByService(center, p, today: today)
            let top = uses.map(\.count).max() ?? 0
            let services = uses.map { ServiceUse(name: $0.service.chineseName, count: $0.count, max: top) }

            var charges: Charges?
            if p.can(.billingRead) {
                let lines = try await center.billing.monthToDate(by: p)
                let total = lines.reduce(Fen.zero) { $0 + $1.amount }
                charges = Charges(month: today.monthOf.description,
                                  lines: lines.map { Charge(name: $0.service.chineseName, amount: $0.amount.groupedYuan) },
                                  total: total.groupedYuan, empty: lines.isEmpty)
            }
            return await env.renderer.page("overview", title: "总览", nav: .overview,
                                           View(today: today.description, stats: stats, services: services,
                                                noServices: services.isEmpty, charges: charges),
                                           context: context)
        }
    }

    /// Counts today's subscriptions per service, most used first.
    static func activeSubscriptionsByService(_ center: Center, _ p: Principal, today: Day) async throws -> [(service: ServiceKind, count: Int)] {
        var counts: [ServiceKind: Int] = [:]
        var offset = 0
        while true {
            let page = try await center.subscriptions.subscriptions(activeOn: today, service: nil,
                                                                   page: PageRequest(offset: offset, limit: PageRequest.maxLimit), by: p)
            for s in page.items { counts[s.service, default: 0] += 1 }
            offset += page.items.count
            if page.items.isEmpty || offset >= page.total { break }
        }
        let order = Dictionary(uniqueKeysWithValues: ServiceKind.allCases.enumerated().map { ($1, $0) })
        return counts.map { ($0.key, $0.value) }.sorted { ($1.count, order[$0.service] ?? 0) < ($0.count, order[$1.service] ?? 0) }
    }
}
