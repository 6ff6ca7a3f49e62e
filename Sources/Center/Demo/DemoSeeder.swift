import AnyunCore
import AnyunStore
import Foundation

/// One demo login, as written to `demo-credentials.json` for people and scripts.
public struct DemoAccount: Codable, Sendable, Equatable {
    public var username: String
    public var role: String
    public var roleName: String
    public var unit: String?
    public var password: String
    public var totpSecret: String?

    public init(username: String, role: String, roleName: String, unit: String?, password: String, totpSecret: String?) {
        self.username = username
        self.role = role
        self.roleName = roleName
        self.unit = unit
        self.password = password
        self.totpSecret = totpSecret
    }
}

/// Seeds a demo deployment through the same services operators use, so the demo's audit
/// trail, subscriptions and bills look exactly like real ones.
public struct DemoSeeder: Sendable {
    let center: Center

    public init(center: Center) { self.center = center }

    public func seed() async throws -> [DemoAccount] {
        var accounts: [DemoAccount] = []
        let actor = AuditActor(id: nil, name: "demo", role: "system", sourceAddress: "local")
        for (username, role, display) in [("sysadmin", Role.systemAdmin, "系统管理员"), ("secadmin", .securityAdmin, "安全管理员"),
                                          ("auditor", .auditAdmin, "审计管理员")] {
            accounts.append(try await makeUser(username, role: role, display: display, unit: nil, actor: actor))
        }
        let security = try await principal(accounts[1])

        var units: [GovUnit] = []
        for (i, name) in DemoData.units.enumerated() {
            units.append(try await center.registry.createUnit(UnitDraft(
                name: name, creditCode: DemoData.creditCode(i), contactName: DemoData.contacts[i],
                contactPhone: "0531-8\(String(1_000_000 + i * 7919).suffix(7))", contactEmail: "sec\(i + 1)@gov.example.cn"),
                by: security))
        }
        var systems: [(BusinessSystem, unitIndex: Int, template: Int)] = []
        for (u, unit) in units.enumerated() {
            for (t, template) in DemoData.systems.enumerated() {
                let s = try await center.registry.createSystem(SystemDraft(
                    unitID: unit.id, name: template.name, level: template.level,
                    filingNumber: DemoData.filingNumber(unit: u, system: t), securityDomain: template.domain,
                    owner: DemoData.contacts[(u + t) % DemoData.contacts.count], ownerPhone: "1380531\(String(1000 + u * 10 + t))"),
                    by: security)
                systems.append((s, u, t))
            }
        }
        var hostsBySystem: [Int64: [CloudHost]] = [:]
        for i in 0..<DemoData.totalHosts {
            let (system, u, t) = systems[i % systems.count]
            let n = i / systems.count + 1
            let host = try await center.registry.createHost(HostDraft(
                systemID: system.id, hostname: "u\(u + 1)-s\(t + 1)-app\(n)", ips: ["10.\(u + 1).\(t + 1).\(10 + n)"],
                os: DemoData.operatingSystems[(u + t + n) % DemoData.operatingSystems.count],
                platform: DemoData.platforms[u % DemoData.platforms.count], state: n == 4 && t == 1 ? "maintenance" : "active"),
                by: security)
            hostsBySystem[system.id, default: []].append(host)
        }

        for (u, unit) in units.enumerated() {
            accounts.append(try await makeUser("unit\(String(u + 1).leftPad(2))", role: .unitAdmin, display: "\(unit.name)管理员",
                                               unit: unit, actor: actor))
        }
        accounts.append(try await makeUser("viewer01", role: .unitReadOnly, display: "\(units[0].name)只读", unit: units[0], actor: actor))

        try await subscribe(units: units, systems: systems.map { ($0.0, $0.unitIndex, $0.template) }, security: security, accounts: accounts)
        return accounts
    }

    private func makeUser(_ username: String, role: Role, display: String, unit: GovUnit?, actor: AuditActor) async throws -> DemoAccount {
        let password = Self.password()
        let created = try await center.users.create(NewUserRequest(username: username, displayName: display, role: role.rawValue,
                                                                   unitID: unit?.id, password: password), actor: actor)
        return DemoAccount(username: username, role: role.rawValue, roleName: role.chineseName, unit: unit?.name,
                           password: password, totpSecret: created.totp?.secret)
    }

    private func principal(_ a: DemoAccount) async throws -> Principal {
        guard let creds = try await center.store.credentials(username: a.username) else { throw CenterError.notFound(a.username) }
        let u = creds.account
        return Principal(userID: u.id, username: u.username, role: u.role, unitID: u.unitID, sourceAddress: "local")
    }

    /// Subscriptions that started two months ago over 13 services, a closed month, storage
    /// reports for the backup services, and two applications still waiting for approval.
    private func subscribe(units: [GovUnit], systems: [(BusinessSystem, Int, Int)], security: Principal,
                           accounts: [DemoAccount]) async throws {
        let today = center.today
        let start = today.monthOf.previous.previous.firstDay
        for (u, unit) in units.enumerated() {
            let own = systems.filter { $0.1 == u }.map(\.0)
            let portal = own[0].id
            let level3 = own.filter { $0.level == 3 }.map(\.id)
            let all = own.map(\.id)
            var requests: [(ServiceKind, [Int64], Int)] = [
                (.hostSecurity, all, 0), (.logAudit, all, 0), (.vulnScan, all, 0), (.bastion, all, 0),
                (.waf, [portal], 1 + u % 2), (.tamperProtection, [portal], 0), (.localBackup, all, 0),
                (.offsiteBackup, level3, 0), (.situationAwareness, level3, 0), (.hostDefense, level3, 0),
            ]
            if u % 2 == 0 { requests.append((.dbAudit, level3, 1)) }
            if u % 3 == 0 { requests.append((.vpn, all, 5 + u)) }
            if u % 4 == 0 { requests.append((.cloudFirewall, all, 1)) }
            for (service, systemIDs, quantity) in requests {
                let app = try await center.subscriptions.apply(ApplicationDraft(
                    unitID: unit.id, service: service.rawValue, systemIDs: systemIDs, quantity: quantity,
                    startDay: start.description, purpose: "等保三级整改：申请\(service.chineseName)服务"), by: security)
                _ = try await center.store.decideApplication(id: app.id, approve: true, note: "同意", startDay: start,
                                                             expectedVersion: app.version, by: security.auditActor)
            }
            try await reportStorage(unit: unit, index: u, from: start, to: today, security: security)
        }
        for u in [2, 5] {
            _ = try await center.subscriptions.apply(ApplicationDraft(
                unitID: units[u].id, service: ServiceKind.cloudFirewall.rawValue, systemIDs: [systems[u * 5].0.id], quantity: 1,
                startDay: today.description, purpose: "新增互联网出口，申请云防火墙"), by: security)
        }
        var day = start
        while day <= today {
            _ = try await center.store.meterDay(day)
            day = day.adding(days: 1)
        }
        _ = try await center.billing.close(start.monthOf, by: security)
    }

    /// Backup volumes that grow a little every day, as real ones do.
    private func reportStorage(unit: GovUnit, index: Int, from start: Day, to end: Day, security: Principal) async throws {
        var day = start
        var local = Int64(200 + index * 37) << 30
        while day <= end {
            try await center.store.reportStorage(StorageReport(unitID: unit.id, service: .localBackup, hostID: nil, day: day,
                                                               bytes: local), by: security.auditActor)
            if day.day == 1 || day == start {
                try await center.store.reportStorage(StorageReport(unitID: unit.id, service: .offsiteBackup, hostID: nil, day: day,
                                                                   bytes: local / 3), by: security.auditActor)
            }
            local += Int64(1 + index % 5) << 30
            day = day.adding(days: 1)
        }
    }

    /// A random password that satisfies the default policy.
    public static func password() -> String {
        let lower = Array("abcdefghjkmnpqrstuvwxyz"), upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), digits = Array("23456789")
        var rng = SystemRandomNumberGenerator()
        var chars = (0..<4).map { _ in lower.randomElement(using: &rng)! } + (0..<4).map { _ in upper.randomElement(using: &rng)! }
            + (0..<3).map { _ in digits.randomElement(using: &rng)! } + ["#"]
        chars.shuffle(using: &rng)
        return String(chars)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
