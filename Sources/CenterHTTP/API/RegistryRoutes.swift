import AnyunCore
import AnyunStore
import Center
import Hummingbird

enum RegistryRoutes {
    static func add(to api: RouterGroup<AppContext>, center: Center) {
        let registry = center.registry
        let cache = ListingCache(store: center.store)

        api.get("units") { request, context in
            try await cache.respond(request, context, permission: .registryRead) { p in
                try await registry.units(UnitQuery(text: request.string("q"), page: try request.page), by: p)
            }
        }
        api.post("units") { request, context in
            let draft = try await JSONIO.decode(UnitDraft.self, from: request)
            return try JSONIO.response(try await registry.createUnit(draft, by: try context.requirePrincipal()), status: .created)
        }
        api.get("units/:id") { _, context in
            try JSONIO.response(try await registry.unit(try context.parameters.id(), by: try context.requirePrincipal()))
        }
        api.put("units/:id") { request, context in
            let bytes = try await JSONIO.body(request)
            let draft = try JSONIO.decode(UnitDraft.self, bytes: bytes)
            return try JSONIO.response(try await registry.updateUnit(try context.parameters.id(), draft,
                                                                     version: try JSONIO.version(request, bytes: bytes),
                                                                     by: try context.requirePrincipal()))
        }

        api.get("systems") { request, context in
            let q = SystemQuery(unitID: try request.int64("unitID"), level: try request.int("level"), text: request.string("q"),
                                page: try request.page)
            return try await cache.respond(request, context, permission: .registryRead) { try await registry.systems(q, by: $0) }
        }
        api.post("systems") { request, context in
            let draft = try await JSONIO.decode(SystemDraft.self, from: request)
            return try JSONIO.response(try await registry.createSystem(draft, by: try context.requirePrincipal()), status: .created)
        }
        api.get("systems/:id") { _, context in
            try JSONIO.response(try await registry.system(try context.parameters.id(), by: try context.requirePrincipal()))
        }
        api.put("systems/:id") { request, context in
            let bytes = try await JSONIO.body(request)
            let draft = try JSONIO.decode(SystemDraft.self, bytes: bytes)
            return try JSONIO.response(try await registry.updateSystem(try context.parameters.id(), draft,
                                                                       version: try JSONIO.version(request, bytes: bytes),
                                                                       by: try context.requirePrincipal()))
        }

        api.get("hosts") { request, context in
            let q = try hostQuery(request)
            return try await cache.respond(request, context, permission: .registryRead) { try await registry.hosts(q, by: $0) }
        }
        api.post("hosts") { request, context in
            let draft = try await JSONIO.decode(HostDraft.self, from: request)
            return try JSONIO.response(try await registry.createHost(draft, by: try context.requirePrincipal()), status: .created)
        }
        api.get("hosts/export") { request, context in
            let csv = try await registry.exportHosts(try hostQuery(request), by: try context.requirePrincipal())
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"hosts.csv\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: csv)))
        }
        api.post("hosts/import") { request, context in
            let bytes = try await JSONIO.body(request, limit: 8 << 20, contentType: "text/csv")
            return try JSONIO.response(try await registry.importHosts(csv: bytes, by: try context.requirePrincipal()))
        }
        api.get("hosts/:id") { _, context in
            try JSONIO.response(try await registry.host(try context.parameters.id(), by: try context.requirePrincipal()))
        }
        api.put("hosts/:id") { request, context in
            let bytes = try await JSONIO.body(request)
            let draft = try JSONIO.decode(HostDraft.self, bytes: bytes)
            return try JSONIO.response(try await registry.updateHost(try context.parameters.id(), draft,
                                                                     version: try JSONIO.version(request, bytes: bytes),
                                                                     by: try context.requirePrincipal()))
        }
        api.delete("hosts/:id") { request, context in
            guard let tag = request.headers[.ifMatch], let version = Int(tag.trimmingCharacters(in: .init(charactersIn: "W/\" "))) else {
                throw Problem(.preconditionRequired, "Precondition Required", detail: "删除需要 If-Match 版本号 (If-Match required)",
                              invalidParams: [.init(name: "If-Match", reason: "required", line: nil)])
            }
            try await registry.deleteHost(try context.parameters.id(), version: version, by: try context.requirePrincipal())
            return Response(status: .noContent)
        }

        api.get("overview") { _, context in
            let p = try context.requirePrincipal()
            return try JSONIO.response(try await registry.counts(by: p))
        }
    }

    static func hostQuery(_ request: Request) throws -> HostQuery {
        var state: HostState?
        if let raw = request.string("state") {
            guard let s = HostState(label: raw) else {
                throw Problem(.badRequest, "Bad Request", detail: "state: 未知的状态 (unknown state)",
                              invalidParams: [.init(name: "state", reason: "unknown state", line: nil)])
            }
            state = s
        }
        return HostQuery(unitID: try request.int64("unitID"), systemID: try request.int64("systemID"), state: state,
                         platform: request.string("platform"), securityDomain: request.string("securityDomain"),
                         ip: request.string("ip"), text: request.string("q"), page: try request.page)
    }
}
