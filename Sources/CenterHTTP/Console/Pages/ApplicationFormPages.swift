import AnyunCore
import AnyunStore
import Center
import Hummingbird

/// 新建申请: a unit asks for a service for some of its systems. An administrator filing on a
/// unit's behalf first picks the unit, because the systems to choose from are that unit's.
enum ApplicationFormPages {
    struct Check {
        let value: String
        let label: String
        let detail: String
        let checked: Bool
    }

    struct View {
        let pickUnit: Bool
        let units: [Option]
        let unitID: String
        let unitName: String
        let canChangeUnit: Bool
        let services: [Option]
        let systems: [Check]
        let noSystems: Bool
        let values: [String: String]
        let errors: [String: String]
        let alert: Alert?
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("applications/new") { request, context in
            let p = try context.requirePrincipal()
            try p.require(.applicationFile)
            let q = FormData.query(request)
            let values = ["startDay": env.center.today.description, "quantity": "1"]
            return try await form(env, context: context, unitID: try unit(of: p, requested: q.int64("unitID", label: "单位")),
                                  values: values, service: nil, systems: [])
        }

        pages.post("applications") { request, context in
            let p = try context.requirePrincipal()
            let form = try await FormData.posted(request, context: context)
            let unitID = try unit(of: p, requested: form.int64("unitID", label: "单位"))
            let systems = try form.ids("systemIDs", label: "业务系统")
            // A quantity that is not a number is reported by the service as out of range, next to the field.
            let quantity = form["quantity"].map { Int($0) ?? 0 }
            let draft = ApplicationDraft(unitID: unitID, service: form["service"], systemIDs: systems, quantity: quantity,
                                         startDay: form["startDay"], endDay: form["endDay"], purpose: form["purpose"])
            do {
                let created = try await env.center.subscriptions.apply(draft, by: p)
                return PageRenderer.redirect("/applications/\(created.id)?done=created")
            } catch let e as CenterError where e.isAboutInput {
                var values: [String: String] = [:]
                for name in ["quantity", "startDay", "endDay", "purpose"] { values[name] = form.raw(name) ?? "" }
                return try await self.form(env, context: context, unitID: unitID, values: values, service: form["service"],
                                           systems: Set(systems), failure: ConsoleFailure(e))
            }
        }
    }

    /// Unit users always file for their own unit, whatever the form says.
    static func unit(of p: Principal, requested: Int64?) -> Int64? {
        if case .unit(let own) = p.tenantScope { return own }
        return requested
    }

    static func form(_ env: ConsoleEnv, context: AppContext, unitID: Int64?, values: [String: String], service: String?,
                     systems chosen: Set<Int64>, failure: ConsoleFailure? = nil) async throws -> Response {
        let p = try context.requirePrincipal()
        let center = env.center
        var directory = try await Directory.load(center, p, withSystems: false)
        let unit = try unitID.map { id in
            guard let u = directory.units.first(where: { $0.id == id }) else { throw CenterError.notFound("unit \(id)") }
            return u
        }
        if let unit { directory = try await Directory.load(center, p, systemsOfUnit: unit.id) }
        let services = try await center.catalog.entries(by: p).filter(\.enabled).map { e in
            Option(value: e.service.rawValue, label: "\(e.name)（¥\(e.unitPrice.yuanText)/\(e.meteringUnit.chineseName)）",
                   selected: e.service.rawValue == service)
        }
        let view = View(
            pickUnit: unit == nil, units: directory.unitOptions(selected: nil),
            unitID: unit.map { String($0.id) } ?? "", unitName: unit?.name ?? "",
            canChangeUnit: p.tenantScope == .allUnits,
            services: services,
            systems: directory.systems.map { s in
                Check(value: String(s.id), label: s.name, detail: "\(MLPSLevel.text(s.level)) · \(s.securityDomain)",
                      checked: chosen.contains(s.id))
            },
            noSystems: directory.systems.isEmpty, values: values, errors: Alert.byField(failure), alert: failure.map(Alert.init))
        return await env.renderer.page("application-new", title: "新建服务申请", nav: .applications, view,
                                       status: failure?.status ?? .ok, context: context)
    }
}
