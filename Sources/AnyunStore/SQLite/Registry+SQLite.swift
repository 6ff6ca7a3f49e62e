import AnyunCore
import Foundation
import GRDB

/// Row mappers for `SELECT *` of each table. Columns are read by position, in the order of
/// the CREATE TABLE (later migrations only append columns): looking columns up by name cost
/// a sixth of a host listing's CPU.
enum RegistryRows {
    static func unit(_ r: Row) -> GovUnit {
        GovUnit(id: r[0], name: r[1], creditCode: r[2], contactName: r[3], contactPhone: r[4], contactEmail: r[5] ?? "",
                version: r[6], createdAt: r[7], updatedAt: r[8])
    }

    static func system(_ r: Row) -> BusinessSystem {
        BusinessSystem(id: r[0], unitID: r[1], name: r[2], level: r[3], filingNumber: r[4] ?? "", securityDomain: r[5],
                       owner: r[6], ownerPhone: r[7] ?? "", version: r[8], createdAt: r[9], updatedAt: r[10])
    }

    static func host(_ r: Row) -> CloudHost {
        CloudHost(id: r[0], unitID: r[1], systemID: r[2], hostname: r[3],
                  ips: (r[4] as String).split(separator: ",").map(String.init), os: r[5], platform: r[6],
                  securityDomain: r[7], state: HostState(rawValue: r[8]) ?? .active,
                  version: r[9], createdAt: r[10], updatedAt: r[11])
    }
}

/// Builds a WHERE clause from optional filters, always starting with the tenant restriction.
struct Filter {
    private(set) var clauses: [String] = []
    private(set) var arguments: [any DatabaseValueConvertible] = []
    private(set) var matchesNothing = false

    init(unitColumn: String, scope: TenantScope, requestedUnit: Int64?) {
        switch scope.restrict(requestedUnit) {
        case .any: break
        case .only(let u): add("\(unitColumn) = ?", u)
        case .none: matchesNothing = true
        }
    }

    mutating func add(_ clause: String, _ values: any DatabaseValueConvertible...) {
        clauses.append(clause)
        arguments.append(contentsOf: values)
    }

    /// A substring match; LIKE wildcards in user input are escaped so they match literally.
    mutating func contains(_ columns: [String], _ text: String?) {
        guard let text = text?.trimmingWhitespace(), !text.isEmpty else { return }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        let pattern = "%\(escaped)%"
        clauses.append("(" + columns.map { "\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
        arguments.append(contentsOf: Array(repeating: pattern, count: columns.count))
    }

    var sql: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
    var statementArguments: StatementArguments { StatementArguments(arguments) }

    func page<T: Sendable>(_ db: Database, table: String, page: PageRequest, map: (Row) -> T) throws -> Page<T> {
        guard !matchesNothing else { return Page(items: [], total: 0) }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) \(sql)", arguments: statementArguments) ?? 0
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) \(sql) ORDER BY id LIMIT ? OFFSET ?",
                                    arguments: StatementArguments(arguments + [page.limit, page.offset]))
        return Page(items: rows.map(map), total: total)
    }
}

extension SQLiteStore: RegistryStore {
    // MARK: units

    public func createUnit(_ v: UnitDraft.Valid, by actor: AuditActor) async throws -> GovUnit {
        let time = now()
        return try await write { db in
            try Self.checkUnitUnique(db, v, excluding: nil)
            try db.execute(sql: """
                INSERT INTO unit (name, credit_code, contact_name, contact_phone, contact_email, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [v.name, v.creditCode, v.contactName, v.contactPhone, v.contactEmail, time, time])
            let unit = try Self.fetchUnit(db, db.lastInsertedRowID)!
            try AuditTrailWriter.append(db, AuditEntry(action: "unit.create", targetType: "unit", targetID: String(unit.id),
                                                       unitID: unit.id, after: AuditJSON.encode(unit)), by: actor, at: time)
            return unit
        }
    }

    public func updateUnit(id: Int64, _ v: UnitDraft.Valid, expectedVersion: Int, by actor: AuditActor) async throws -> GovUnit {
        let time = now()
        return try await write { db in
            guard let before = try Self.fetchUnit(db, id) else { throw StoreError.notFound(entity: "unit", id: String(id)) }
            try Self.checkVersion("unit", expected: expectedVersion, current: before.version)
            try Self.checkUnitUnique(db, v, excluding: id)
            try db.execute(sql: """
                UPDATE unit SET name = ?, credit_code = ?, contact_name = ?, contact_phone = ?, contact_email = ?,
                    version = version + 1, updated_at = ? WHERE id = ?
                """, arguments: [v.name, v.creditCode, v.contactName, v.contactPhone, v.contactEmail, time, id])
            let after = try Self.fetchUnit(db, id)!
            try AuditTrailWriter.append(db, AuditEntry(action: "unit.update", targetType: "unit", targetID: String(id), unitID: id,
                                                       before: AuditJSON.encode(before), after: AuditJSON.encode(after)),
                                        by: actor, at: time)
            return after
        }
    }

    public func unit(id: Int64, scope: TenantScope) async throws -> GovUnit? {
        try await read { db in
            guard scope.restrict(id) != .none else { return nil }
            return try Self.fetchUnit(db, id)
        }
    }

    public func units(_ q: UnitQuery, scope: TenantScope) async throws -> Page<GovUnit> {
        try await read { db in
            var f = Filter(unitColumn: "id", scope: scope, requestedUnit: nil)
            f.contains(["name", "credit_code", "contact_name"], q.text)
            return try f.page(db, table: "unit", page: q.page, map: RegistryRows.unit)
        }
    }

    static func fetchUnit(_ db: Database, _ id: Int64) throws -> GovUnit? {
        try Row.fetchOne(db, sql: "SELECT * FROM unit WHERE id = ?", arguments: [id]).map(RegistryRows.unit)
    }

    static func checkUnitUnique(_ db: Database, _ v: UnitDraft.Valid, excluding id: Int64?) throws {
        if try Int.fetchOne(db, sql: "SELECT 1 FROM unit WHERE name = ? AND id IS NOT ?", arguments: [v.name, id]) != nil {
            throw StoreError.conflict(FieldError("name", "单位名称已存在 (a unit with this name exists)"))
        }
        if try Int.fetchOne(db, sql: "SELECT 1 FROM unit WHERE credit_code = ? AND id IS NOT ?",
                            arguments: [v.creditCode, id]) != nil {
            throw StoreError.conflict(FieldError("creditCode", "统一社会信用代码已被其他单位使用 (credit code already registered)"))
        }
    }

    static func checkVersion(_ entity: String, expected: Int, current: Int) throws {
        if expected != current { throw StoreError.versionMismatch(entity: entity, expected: expected, current: current) }
    }

    // MARK: systems

    public func createSystem(_ v: SystemDraft.Valid, by actor: AuditActor) async throws -> BusinessSystem {
        let time = now()
        return try await write { db in
            try Self.checkSystem(db, v, excluding: nil)
            try db.execute(sql: """
                INSERT INTO business_system (unit_id, name, level, filing_number, security_domain, owner, owner_phone,
                    created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [v.unitID, v.name, v.level, v.filingNumber, v.securityDomain, v.owner, v.ownerPhone, time, time])
            let system = try Self.fetchSystem(db, db.lastInsertedRowID)!
            try AuditTrailWriter.append(db, AuditEntry(action: "system.create", targetType: "system", targetID: String(system.id),
                                                       unitID: system.unitID, after: AuditJSON.encode(system)), by: actor, at: time)
            return system
        }
    }

    public func updateSystem(id: Int64, _ v: SystemDraft.Valid, expectedVersion: Int, by actor: AuditActor) async throws -> BusinessSystem {
        let time = now()
        return try await write { db in
            guard let before = try Self.fetchSystem(db, id) else { throw StoreError.notFound(entity: "system", id: String(id)) }
            try Self.checkVersion("system", expected: expectedVersion, current: before.version)
            if v.unitID != before.unitID {
                throw StoreError.conflict(FieldError("unitID", "业务系统不能转移到其他单位 (a system cannot move to another unit)"))
            }
            try Self.checkSystem(db, v, excluding: id)
            try db.execute(sql: """
                UPDATE business_system SET name = ?, level = ?, filing_number = ?, security_domain = ?, owner = ?,
                    owner_phone = ?, version = version + 1, updated_at = ? WHERE id = ?
                """, arguments: [v.name, v.level, v.filingNumber, v.securityDomain, v.owner, v.ownerPhone, time, id])
            let after = try Self.fetchSystem(db, id)!
            try AuditTrailWriter.append(db, AuditEntry(action: "system.update", targetType: "system", targetID: String(id),
                                                       unitID: after.unitID, before: AuditJSON.encode(before),
                                                       after: AuditJSON.encode(after)), by: actor, at: time)
            return after
        }
    }

    public func system(id: Int64, scope: TenantScope) async throws -> BusinessSystem? {
        try await read { db in
            guard let s = try Self.fetchSystem(db, id), scope.restrict(s.unitID) != .none else { return nil }
            return s
        }
    }

    public func systems(_ q: SystemQuery, scope: TenantScope) async throws -> Page<BusinessSystem> {
        try await read { db in
            var f = Filter(unitColumn: "unit_id", scope: scope, requestedUnit: q.unitID)
            if let level = q.level { f.add("level = ?", level) }
            f.contains(["name", "filing_number", "owner"], q.text)
            return try f.page(db, table: "business_system", page: q.page, map: RegistryRows.system)
        }
    }

    static func fetchSystem(_ db: Database, _ id: Int64) throws -> BusinessSystem? {
        try Row.fetchOne(db, sql: "SELECT * FROM business_system WHERE id = ?", arguments: [id]).map(RegistryRows.system)
    }

    static func checkSystem(_ db: Database, _ v: SystemDraft.Valid, excluding id: Int64?) throws {
        guard try fetchUnit(db, v.unitID) != nil else {
            throw StoreError.conflict(FieldError("unitID", "单位不存在 (unknown unit \(v.unitID))"))
        }
        if try Int.fetchOne(db, sql: "SELECT 1 FROM business_system WHERE unit_id = ? AND name = ? AND id IS NOT ?",
                            arguments: [v.unitID, v.name, id]) != nil {
            throw StoreError.conflict(FieldError("name", "该单位已有同名业务系统 (the unit already has a system with this name)"))
        }
    }

    // MARK: hosts

    public func createHost(_ v: HostDraft.Valid, by actor: AuditActor) async throws -> CloudHost {
        let time = now()
        return try await write { db in
            let host = try Self.insertHost(db, v, at: time)
            try AuditTrailWriter.append(db, AuditEntry(action: "host.create", targetType: "host", targetID: String(host.id),
                                                       unitID: host.unitID, after: AuditJSON.encode(host)), by: actor, at: time)
            return host
        }
    }

    public func updateHost(id: Int64, _ v: HostDraft.Valid, expectedVersion: Int, by actor: AuditActor) async throws -> CloudHost {
        let time = now()
        return try await write { db in
            guard let before = try Self.fetchHost(db, id) else { throw StoreError.notFound(entity: "host", id: String(id)) }
            try Self.checkVersion("host", expected: expectedVersion, current: before.version)
            let after = try Self.replaceHost(db, before, v, at: time)
            try AuditTrailWriter.append(db, AuditEntry(action: "host.update", targetType: "host", targetID: String(id),
                                                       unitID: after.unitID, before: AuditJSON.encode(before),
                                                       after: AuditJSON.encode(after)), by: actor, at: time)
            return after
        }
    }

    public func deleteHost(id: Int64, expectedVersion: Int, by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            guard let before = try Self.fetchHost(db, id) else { throw StoreError.notFound(entity: "host", id: String(id)) }
            try Self.checkVersion("host", expected: expectedVersion, current: before.version)
            try db.execute(sql: "DELETE FROM host WHERE id = ?", arguments: [id])
            try AuditTrailWriter.append(db, AuditEntry(action: "host.delete", targetType: "host", targetID: String(id),
                                                       unitID: before.unitID, before: AuditJSON.encode(before)),
                                        by: actor, at: time)
        }
    }

    public func host(id: Int64, scope: TenantScope) async throws -> CloudHost? {
        try await read { db in
            guard let h = try Self.fetchHost(db, id), scope.restrict(h.unitID) != .none else { return nil }
            return h
        }
    }

    public func hosts(_ q: HostQuery, scope: TenantScope) async throws -> Page<CloudHost> {
        try await read { db in try Self.queryHosts(db, q, scope: scope) }
    }

    static func queryHosts(_ db: Database, _ q: HostQuery, scope: TenantScope) throws -> Page<CloudHost> {
        var f = Filter(unitColumn: "unit_id", scope: scope, requestedUnit: q.unitID)
        if let s = q.systemID { f.add("system_id = ?", s) }
        if let s = q.state { f.add("state = ?", s.rawValue) }
        if let p = q.platform, !p.isEmpty { f.add("platform = ?", p) }
        if let d = q.securityDomain, !d.isEmpty { f.add("security_domain = ?", d) }
        if let raw = q.ip, !raw.isEmpty {
            let ip = IPAddress(raw)?.text ?? raw
            f.add("id IN (SELECT host_id FROM host_ip WHERE ip = ?)", ip)
        }
        f.contains(["hostname", "ips", "os"], q.text)
        return try f.page(db, table: "host", page: q.page, map: RegistryRows.host)
    }

    static func fetchHost(_ db: Database, _ id: Int64) throws -> CloudHost? {
        try Row.fetchOne(db, sql: "SELECT * FROM host WHERE id = ?", arguments: [id]).map(RegistryRows.host)
    }

    /// Resolves the system (and so the unit and default domain) and checks address uniqueness.
    static func resolveHost(_ db: Database, _ v: HostDraft.Valid, excluding id: Int64?) throws -> (BusinessSystem, String) {
        guard let system = try fetchSystem(db, v.systemID) else {
            throw StoreError.conflict(FieldError("systemID", "业务系统不存在 (unknown system \(v.systemID))"))
        }
        let domain = v.securityDomain.isEmpty ? system.securityDomain : v.securityDomain
        if try Int.fetchOne(db, sql: "SELECT 1 FROM host WHERE system_id = ? AND hostname = ? AND id IS NOT ?",
                            arguments: [system.id, v.hostname, id]) != nil {
            throw StoreError.conflict(FieldError("hostname", "该业务系统已有同名主机 (hostname already used in this system)"))
        }
        for (i, ip) in v.ips.enumerated() {
            if let owner = try String.fetchOne(db, sql: """
                SELECT h.hostname FROM host_ip i JOIN host h ON h.id = i.host_id
                WHERE i.security_domain = ? AND i.ip = ? AND i.host_id IS NOT ?
                """, arguments: [domain, ip, id]) {
                throw StoreError.conflict(FieldError("ips[\(i)]",
                    "IP 地址 \(ip) 在安全域「\(domain)」中已被主机 \(owner) 使用 (duplicate address in security domain)"))
            }
        }
        return (system, domain)
    }

    static func insertHost(_ db: Database, _ v: HostDraft.Valid, at time: Date) throws -> CloudHost {
        let (system, domain) = try resolveHost(db, v, excluding: nil)
        try db.execute(sql: """
            INSERT INTO host (unit_id, system_id, hostname, ips, os, platform, security_domain, state, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [system.unitID, system.id, v.hostname, v.ips.joined(separator: ","), v.os, v.platform, domain,
                             v.state.rawValue, time, time])
        let id = db.lastInsertedRowID
        try writeAddresses(db, hostID: id, domain: domain, ips: v.ips)
        return try fetchHost(db, id)!
    }

    static func replaceHost(_ db: Database, _ before: CloudHost, _ v: HostDraft.Valid, at time: Date) throws -> CloudHost {
        let (system, domain) = try resolveHost(db, v, excluding: before.id)
        if system.unitID != before.unitID {
            throw StoreError.conflict(FieldError("systemID", "主机不能转移到其他单位的业务系统 (a host cannot move to another unit)"))
        }
        try db.execute(sql: """
            UPDATE host SET system_id = ?, hostname = ?, ips = ?, os = ?, platform = ?, security_domain = ?, state = ?,
                version = version + 1, updated_at = ? WHERE id = ?
            """, arguments: [system.id, v.hostname, v.ips.joined(separator: ","), v.os, v.platform, domain, v.state.rawValue,
                             time, before.id])
        try db.execute(sql: "DELETE FROM host_ip WHERE host_id = ?", arguments: [before.id])
        try writeAddresses(db, hostID: before.id, domain: domain, ips: v.ips)
        return try fetchHost(db, before.id)!
    }

    static func writeAddresses(_ db: Database, hostID: Int64, domain: String, ips: [String]) throws {
        for ip in ips {
            try db.execute(sql: "INSERT INTO host_ip (host_id, security_domain, ip) VALUES (?, ?, ?)",
                           arguments: [hostID, domain, ip])
        }
    }

    public func registryCounts(scope: TenantScope) async throws -> RegistryCounts {
        let today = Day(secondsSince1970: now().timeIntervalSince1970).description
        return try await read { db in
            func count(_ table: String, _ unitColumn: String, _ extra: String = "", _ extraArgs: [any DatabaseValueConvertible] = []) throws -> Int {
                let f = Filter(unitColumn: unitColumn, scope: scope, requestedUnit: nil)
                if f.matchesNothing { return 0 }
                var clauses = f.clauses
                if !extra.isEmpty { clauses.append(extra) }
                let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) \(whereSQL)",
                                        arguments: StatementArguments(f.arguments + extraArgs)) ?? 0
            }
            return RegistryCounts(
                units: try count("unit", "id"), systems: try count("business_system", "unit_id"),
                hosts: try count("host", "unit_id"),
                activeSubscriptions: try count("subscription", "unit_id", "start_day <= ? AND (end_day IS NULL OR end_day >= ?)",
                                               [today, today]))
        }
    }
}
