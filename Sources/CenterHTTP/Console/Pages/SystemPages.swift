import AnyunCore
import AnyunStore
import Center
import Hummingbird

/// 业务系统: filtered by unit, MLPS level and text; one system with its hosts.
enum SystemPages {
    struct Row {
        let id: Int64
        let unitID: Int64
        let unitName: String
        let name: String
        let level: String
        let highLevel: Bool
        let filingNumber: String
        let securityDomain: String
        let owner: String
        let ownerPhone: String
    }

    struct ListView {
        let q: String
        let units: [Option]
        let showUnitFilter: Bool
        let levels: [Option]
        let systems: [Row]
        let noSystems: Bool
        let pager: Pager
    }

    struct DetailView {
        let system: Row
        let createdAt: String
        let updatedAt: String
        let hosts: [HostPages.Row]
        let noHosts: Bool
        let hostTotal: Int
        let moreHosts: Bool
    }

    static func row(_ s: BusinessSystem, _ directory: Directory) -> Row {
        Row(id: s.id, unitID: s.unitID, unitName: directory.unitName(s.unitID), name: s.name, level: MLPSLevel.text(s.level),
            highLevel: s.level >= 3, filingNumber: s.filingNumber.isEmpty ? "—" : s.filingNumber,
            securityDomain: s.securityDomain, owner: s.owner, ownerPhone: s.ownerPhone)
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("systems") { request, context in
            let p = try context.requirePrincipal()
            let q = FormData.query(request)
            let page = try q.page()
            let unitID = try q.int64("unitID", label: "单位")
            let level = try q.int("level", label: "等级")
            let result = try await env.center.registry.systems(SystemQuery(unitID: unitID, level: level, text: q["q"], page: page), by: p)
            let directory = try await Directory.load(env.center, p, withSystems: false)
            let query = QueryString([("q", q["q"]), ("unitID", unitID.map(String.init)), ("level", level.map(String.init))])
            let view = ListView(
                q: q["q"] ?? "", units: directory.unitOptions(selected: unitID), showUnitFilter: directory.units.count > 1,
                levels: (1...4).map { Option(value: String($0), label: MLPSLevel.text($0), selected: $0 == level) },
                systems: result.items.map { row($0, directory) }, noSystems: result.items.isEmpty,
                pager: Pager(path: "/systems", query: query, page: page, shown: result.items.count, total: result.total))
            return await env.renderer.page("systems", title: "业务系统", nav: .systems, view, context: context)
        }

        pages.get("systems/:id") { _, context in
            let p = try context.requirePrincipal()
            let system = try await env.center.registry.system(try context.parameters.id(), by: p)
            let unit = try await env.center.registry.unit(system.unitID, by: p)
            let directory = Directory(units: [unit], systems: [system])
            let hosts = try await env.center.registry.hosts(HostQuery(systemID: system.id, page: PageRequest(limit: PageRequest.maxLimit)), by: p)
            let time = env.renderer.time
            let view = DetailView(system: row(system, directory), createdAt: time.text(system.createdAt),
                                  updatedAt: time.text(system.updatedAt), hosts: hosts.items.map { HostPages.row($0, directory) },
                                  noHosts: hosts.items.isEmpty, hostTotal: hosts.total, moreHosts: hosts.total > hosts.items.count)
            return await env.renderer.page("system", title: system.name, nav: .systems, view, context: context)
        }
    }
}
