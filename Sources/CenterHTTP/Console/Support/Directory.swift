import AnyunCore
import AnyunStore
import Center

/// Units and systems the caller may see, for filter menus and for showing names instead of
/// ids. Read through the registry service, so a unit user's menus hold only their own unit.
struct Directory {
    let units: [GovUnit]
    let systems: [BusinessSystem]

    static func load(_ center: Center, _ p: Principal, systemsOfUnit unitID: Int64? = nil,
                     withSystems: Bool = true) async throws -> Directory {
        var units: [GovUnit] = []
        while true {
            let page = try await center.registry.units(UnitQuery(page: PageRequest(offset: units.count, limit: PageRequest.maxLimit)), by: p)
            units += page.items
            if page.items.isEmpty || units.count >= page.total { break }
        }
        var systems: [BusinessSystem] = []
        while withSystems {
            let q = SystemQuery(unitID: unitID, page: PageRequest(offset: systems.count, limit: PageRequest.maxLimit))
            let page = try await center.registry.systems(q, by: p)
            systems += page.items
            if page.items.isEmpty || systems.count >= page.total { break }
        }
        return Directory(units: units, systems: systems)
    }

    func unitName(_ id: Int64) -> String { units.first { $0.id == id }?.name ?? "单位 #\(id)" }
    func systemName(_ id: Int64) -> String { systems.first { $0.id == id }?.name ?? "系统 #\(id)" }

    func unitOptions(selected: Int64?) -> [Option] {
        units.map { Option(value: String($0.id), label: $0.name, selected: $0.id == selected) }
    }

    func systemOptions(selected: Int64?) -> [Option] {
        let many = Set(systems.map(\.unitID)).count > 1
        return systems.map { s in
            Option(value: String(s.id), label: many ? "\(unitName(s.unitID)) / \(s.name)" : s.name, selected: s.id == selected)
        }
    }
}
