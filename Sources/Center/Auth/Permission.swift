import AnyunCore

/// What an action needs. Roles grant permissions; the mapping below is the whole separation
/// of duties: read it to know who can do what.
public enum Permission: String, Sendable, CaseIterable {
    case registryRead, registryWrite, unitWrite
    case catalogRead, catalogWrite
    case applicationFile, applicationDecide, subscriptionManage
    case billingRead, billingClose, usageReport
    case userManage, settingsManage
    case auditRead
    case tokenManageOwn
    /// Search logs and see the dashboards (a unit's users: their own unit's only).
    case logRead
    /// Send events to the centre (agents and engines, through machine tokens).
    case logIngest
    /// Check the log store's integrity and export sealed ranges for auditors.
    case logVerify
    case alertRead
    /// Acknowledge, resolve and suppress alerts.
    case alertManage

    /// Permissions of a role. Unit roles hold theirs only within their own unit (enforced by `TenantScope`).
    public static func granted(to role: Role) -> Set<Permission> {
        switch role {
        case .systemAdmin:
            // Users and settings; sees the registry to bind unit accounts, never the audit trail.
            [.registryRead, .catalogRead, .userManage, .settingsManage, .tokenManageOwn]
        case .securityAdmin:
            [.registryRead, .registryWrite, .unitWrite, .catalogRead, .catalogWrite, .applicationFile,
             .applicationDecide, .subscriptionManage, .billingRead, .billingClose, .usageReport, .tokenManageOwn,
             .logRead, .logIngest, .alertRead, .alertManage]
        case .auditAdmin:
            // Reads everything it must audit, changes nothing.
            [.auditRead, .registryRead, .catalogRead, .billingRead, .logRead, .logVerify, .alertRead]
        case .unitAdmin:
            [.registryRead, .registryWrite, .catalogRead, .applicationFile, .billingRead, .logRead, .alertRead, .alertManage]
        case .unitReadOnly:
            [.registryRead, .catalogRead, .billingRead, .logRead, .alertRead]
        }
    }

    /// Scopes a machine token may carry, and what each allows.
    public static func granted(by scope: TokenScope) -> Set<Permission> {
        switch scope {
        case .registryRead: [.registryRead, .catalogRead]
        case .registryWrite: [.registryWrite]
        case .usageWrite: [.usageReport]
        case .billingRead: [.billingRead]
        case .auditRead: [.auditRead]
        case .eventsWrite: [.logIngest]
        case .eventsRead: [.logRead, .alertRead]
        }
    }
}

extension Principal {
    public var permissions: Set<Permission> {
        let byRole = Permission.granted(to: role)
        guard let scopes else { return byRole }
        // A token can never exceed its owner's role.
        return byRole.intersection(scopes.reduce(into: Set<Permission>()) { $0.formUnion(Permission.granted(by: $1)) })
    }

    public func can(_ p: Permission) -> Bool { permissions.contains(p) }

    public func require(_ p: Permission) throws {
        guard can(p) else {
            throw CenterError.forbidden("角色「\(role.chineseName)」无权执行此操作 (role \(role.rawValue) lacks \(p.rawValue))")
        }
    }

    /// For writes on a unit's rows: unit users only in their own unit.
    public func requireUnit(_ unitID: Int64) throws {
        if case .unit(let own) = tenantScope, own != unitID {
            throw CenterError.forbidden("只能操作本单位的数据 (only your own unit's data)")
        }
    }

    public var auditActor: AuditActor { AuditActor(self) }
}
