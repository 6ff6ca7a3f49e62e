import AnyunCore
import AnyunStore
import Center
import Hummingbird

/// 云主机: filtered list with CSV export, and one host.
enum HostPages {
    struct Row {
        let id: Int64
        let hostname: String
        let ips: String
        let os: String
        let platform: String
        let securityDomain: String
        let state: Badge
        let unitID: Int64
        let unitName: String
        let systemID: Int64
        let systemName: String
    }

    struct ListView {
        let q: String
        let platform: String
        let units: [Option]
        let showUnitFilter: Bool
        let systems: [Option]
        let states: [Option]
        let hosts: [Row]
        let noHosts: Bool
        let pager: Pager
        let exportURL: String
    }

    struct DetailView {
        let host: Row
        let ipList: [String]
        let createdAt: String
        let updatedAt: String
        let version: Int
    }

    static func row(_ h: CloudHost, _ directory: Directory) -> Row {
        Row(id: h.id, hostname: h.hostname, ips: h.ips.joined(separator: ", "), os: h.os, platform: h.platform,
            securityDomain: h.securityDomain, state: h.state.badge, unitID: h.unitID, unitName: directory.unitName(h.unitID),
            systemID: h.systemID, systemName: directory.systemName(h.systemID))
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("hosts") { request, context in
            let p = try context.requirePrincipal()
            let q = FormData.query(request)
            let page = try q.page()
            let unitID = try q.int64("unitID", label: "单位")
            let systemID = try q.int64("systemID", label: "业务系统")
            let state = try q["state"].map { raw in
                guard let s = HostState(label: raw) else { throw ConsoleError.badRequest("未知的主机状态 (unknown state)") }
                return s
            }
            let query = HostQuery(unitID: unitID, systemID: systemID, state: state, platform: q["platform"], text: q["q"], page: page)
            let result = try await env.center.registry.hosts(query, by: p)
            let directory = try await Directory.load(env.center, p)
            let menuSystems = Directory(units: directory.units, systems: directory.systems.filter { unitID == nil || $0.unitID == unitID })
            let filters = QueryString([("q", q["q"]), ("unitID", unitID.map(String.init)), ("systemID", systemID.map(String.init)),
                                       ("state", state?.rawValue), ("platform", q["platform"])])
            let view = ListView(
                q: q["q"] ?? "", platform: q["platform"] ?? "",
                units: directory.unitOptions(selected: unitID), showUnitFilter: directory.units.count > 1,
                systems: menuSystems.systemOptions(selected: systemID),
                states: HostState.allCases.map { Option(value: $0.rawValue, label: $0.chineseName, selected: $0 == state) },
                hosts: result.items.map { row($0, directory) }, noHosts: result.items.isEmpty,
                pager: Pager(path: "/hosts", query: filters, page: page, shown: result.items.count, total: result.total),
                exportURL: "/api/v1/hosts/export" + filters.text)
            return await env.renderer.page("hosts", title: "云主机", nav: .hosts, view, context: context)
        }

        pages.get("hosts/:id") { _, context in
            let p = try context.requirePrincipal()
            let host = try await env.center.registry.host(try context.parameters.id(), by: p)
            let directory = Directory(units: [try await env.center.registry.unit(host.unitID, by: p)],
                                      systems: [try await env.center.registry.system(host.systemID, by: p)])
            let time = env.renderer.time
            let view = DetailView(host: row(host, directory), ipList: host.ips, createdAt: time.text(host.createdAt),
                                  updatedAt: time.text(host.updatedAt), version: host.version)
            return await env.renderer.page("host", title: host.hostname, nav: .hosts, view, context: context)
        }
    }
}
