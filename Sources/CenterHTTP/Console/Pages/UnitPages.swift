import AnyunCore
import AnyunStore
import Center
import Hummingbird

/// 单位: the list with a search box, and one unit with its systems.
enum UnitPages {
    struct Row {
        let id: Int64
        let name: String
        let creditCode: String
        let contactName: String
        let contactPhone: String
        let contactEmail: String
    }

    struct ListView {
        let q: String
        let rows: [Row]
        let empty: Bool
        let pager: Pager
    }

    struct DetailView {
        let unit: Row
        let createdAt: String
        let updatedAt: String
        let systems: [SystemPages.Row]
        let noSystems: Bool
        let canBilling: Bool
        let month: String
    }

    static func row(_ u: GovUnit) -> Row {
        Row(id: u.id, name: u.name, creditCode: u.creditCode, contactName: u.contactName, contactPhone: u.contactPhone,
            contactEmail: u.contactEmail)
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("units") { request, context in
            let p = try context.requirePrincipal()
            let q = FormData.query(request)
            let page = try q.page()
            let result = try await env.center.registry.units(UnitQuery(text: q["q"], page: page), by: p)
            let view = ListView(q: q["q"] ?? "", rows: result.items.map(row), empty: result.items.isEmpty,
                                pager: Pager(path: "/units", query: QueryString([("q", q["q"])]), page: page,
                                             shown: result.items.count, total: result.total))
            return await env.renderer.page("units", title: "单位", nav: .units, view, context: context)
        }

        pages.get("units/:id") { _, context in
            let p = try context.requirePrincipal()
            let unit = try await env.center.registry.unit(try context.parameters.id(), by: p)
            let directory = Directory(units: [unit], systems: [])
            var systems: [BusinessSystem] = []
            while true {
                let page = try await env.center.registry.systems(
                    SystemQuery(unitID: unit.id, page: PageRequest(offset: systems.count, limit: PageRequest.maxLimit)), by: p)
                systems += page.items
                if page.items.isEmpty || systems.count >= page.total { break }
            }
            let time = env.renderer.time
            let view = DetailView(unit: row(unit), createdAt: time.text(unit.createdAt), updatedAt: time.text(unit.updatedAt),
                                  systems: systems.map { SystemPages.row($0, directory) }, noSystems: systems.isEmpty,
                                  canBilling: p.can(.billingRead), month: env.center.today.monthOf.description)
            return await env.renderer.page("unit", title: unit.name, nav: .units, view, context: context)
        }
    }
}
