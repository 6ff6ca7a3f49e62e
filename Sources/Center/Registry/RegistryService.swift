import AnyunCore
import AnyunStore
import Foundation

/// Units, business systems and hosts: who may read and change which, on top of the store.
public struct RegistryService: Sendable {
    let store: any CenterStore

    public init(store: any CenterStore) { self.store = store }

    // MARK: units

    public func units(_ q: UnitQuery, by p: Principal) async throws -> Page<GovUnit> {
        try p.require(.registryRead)
        return try await translating { try await store.units(q, scope: p.tenantScope) }
    }

    public func unit(_ id: Int64, by p: Principal) async throws -> GovUnit {
        try p.require(.registryRead)
        guard let u = try await store.unit(id: id, scope: p.tenantScope) else { throw CenterError.notFound("unit \(id)") }
        return u
    }

    public func createUnit(_ draft: UnitDraft, by p: Principal) async throws -> GovUnit {
        try p.require(.unitWrite)
        return try await translating { try await store.createUnit(try draft.validated(), by: p.auditActor) }
    }

    public func updateUnit(_ id: Int64, _ draft: UnitDraft, version: Int, by p: Principal) async throws -> GovUnit {
        try p.require(.unitWrite)
        return try await translating {
            try await store.updateUnit(id: id, try draft.validated(), expectedVersion: version, by: p.auditActor)
        }
    }

    // MARK: systems

    public func systems(_ q: SystemQuery, by p: Principal) async throws -> Page<BusinessSystem> {
        try p.require(.registryRead)
        return try await translating { try await store.systems(q, scope: p.tenantScope) }
    }

    public func system(_ id: Int64, by p: Principal) async throws -> BusinessSystem {
        try p.require(.registryRead)
        guard let s = try await store.system(id: id, scope: p.tenantScope) else { throw CenterError.notFound("system \(id)") }
        return s
    }

    public func createSystem(_ draft: SystemDraft, by p: Principal) async throws -> BusinessSystem {
        try p.require(.registryWrite)
        return try await translating {
            let v = try draft.validated()
            try p.requireUnit(v.unitID)
            return try await store.createSystem(v, by: p.auditActor)
        }
    }

    public func updateSystem(_ id: Int64, _ draft: SystemDraft, version: Int, by p: Principal) async throws -> BusinessSystem {
        try p.require(.registryWrite)
        _ = try await system(id, by: p)
        return try await translating {
            let v = try draft.validated()
            try p.requireUnit(v.unitID)
            return try await store.updateSystem(id: id, v, expectedVersion: version, by: p.auditActor)
        }
    }

    // MARK: hosts

    public func hosts(_ q: HostQuery, by p: Principal) async throws -> Page<CloudHost> {
        try p.require(.registryRead)
        return try await translating { try await store.hosts(q, scope: p.tenantScope) }
    }

    public func host(_ id: Int64, by p: Principal) async throws -> CloudHost {
        try p.require(.registryRead)
        guard let h = try await store.host(id: id, scope: p.tenantScope) else { throw CenterError.notFound("host \(id)") }
        return h
    }

    public func createHost(_ draft: HostDraft, by p: Principal) async throws -> CloudHost {
        try p.require(.registryWrite)
        return try await translating {
            let v = try draft.validated()
            try await requireOwnSystem(v.systemID, by: p)
            return try await store.createHost(v, by: p.auditActor)
        }
    }

    public func updateHost(_ id: Int64, _ draft: HostDraft, version: Int, by p: Principal) async throws -> CloudHost {
        try p.require(.registryWrite)
        _ = try await host(id, by: p)
        return try await translating {
            let v = try draft.validated()
            try await requireOwnSystem(v.systemID, by: p)
            return try await store.updateHost(id: id, v, expectedVersion: version, by: p.auditActor)
        }
    }

    public func deleteHost(_ id: Int64, version: Int, by p: Principal) async throws {
        try p.require(.registryWrite)
        _ = try await host(id, by: p)
        try await translating { try await store.deleteHost(id: id, expectedVersion: version, by: p.auditActor) }
    }

    /// A unit user may place hosts only under their own unit's systems; an unknown system is a field error.
    private func requireOwnSystem(_ systemID: Int64, by p: Principal) async throws {
        guard try await store.system(id: systemID, scope: p.tenantScope) != nil else {
            throw CenterError.conflict(FieldError("systemID", "业务系统不存在 (unknown system \(systemID))"))
        }
    }

    // MARK: spreadsheets

    /// Imports a host spreadsheet all-or-nothing. Unit users may import only into their own unit.
    public func importHosts(csv bytes: [UInt8], by p: Principal) async throws -> HostImportSummary {
        try p.require(.registryWrite)
        return try await translating {
            var rows = try HostCSV.rows(from: bytes)
            if case .unit(let own) = p.tenantScope, let unit = try await store.unit(id: own, scope: p.tenantScope) {
                var errors: [RowError] = []
                for row in rows where row.unitName != unit.name && row.unitName.uppercased() != unit.creditCode {
                    errors.append(RowError(line: row.line, field: "unit", reason: "只能导入本单位的主机 (only your own unit's hosts)"))
                }
                if !errors.isEmpty { throw HostImportFailure(errors) }
                rows = rows.map { var r = $0; r.unitName = unit.name; return r }
            }
            return try await store.importHosts(rows, by: p.auditActor)
        }
    }

    public func exportHosts(_ q: HostQuery, by p: Principal) async throws -> [UInt8] {
        try p.require(.registryRead)
        var all: [CloudHost] = []
        var query = q
        query.page = PageRequest(offset: 0, limit: PageRequest.maxLimit)
        while true {
            let page = try await store.hosts(query, scope: p.tenantScope)
            all += page.items
            if page.items.count < query.page.limit { break }
            query.page = PageRequest(offset: query.page.offset + query.page.limit, limit: PageRequest.maxLimit)
        }
        let units = try await allUnits(p)
        let systems = try await allSystems(p)
        try await store.recordAudit(AuditEntry(action: "host.export", targetType: "host", targetID: "*",
                                               detail: "\(all.count) hosts"), by: p.auditActor)
        return HostCSV.export(all, unitNames: units.reduce(into: [:]) { $0[$1.id] = $1.name },
                              systemNames: systems.reduce(into: [:]) { $0[$1.id] = $1.name })
    }

    func allUnits(_ p: Principal) async throws -> [GovUnit] {
        var out: [GovUnit] = []
        while true {
            let page = try await store.units(UnitQuery(page: PageRequest(offset: out.count, limit: PageRequest.maxLimit)),
                                             scope: p.tenantScope)
            out += page.items
            if page.items.isEmpty || out.count >= page.total { return out }
        }
    }

    func allSystems(_ p: Principal) async throws -> [BusinessSystem] {
        var out: [BusinessSystem] = []
        while true {
            let page = try await store.systems(SystemQuery(page: PageRequest(offset: out.count, limit: PageRequest.maxLimit)),
                                               scope: p.tenantScope)
            out += page.items
            if page.items.isEmpty || out.count >= page.total { return out }
        }
    }

    public func counts(by p: Principal) async throws -> RegistryCounts {
        try p.require(.registryRead)
        return try await store.registryCounts(scope: p.tenantScope)
    }
}
