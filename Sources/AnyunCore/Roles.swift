/// The platform's roles. The first three are the separated administrators (三员分立): no
/// account may hold two of them, which the data model enforces by giving an account one role.
public enum Role: String, Codable, Sendable, CaseIterable {
    case systemAdmin = "system-admin"
    case securityAdmin = "security-admin"
    case auditAdmin = "audit-admin"
    case unitAdmin = "unit-admin"
    case unitReadOnly = "unit-readonly"

    public var chineseName: String {
        switch self {
        case .systemAdmin: "系统管理员"
        case .securityAdmin: "安全管理员"
        case .auditAdmin: "审计管理员"
        case .unitAdmin: "单位管理员"
        case .unitReadOnly: "单位只读"
        }
    }

    public var isAdministrator: Bool {
        switch self {
        case .systemAdmin, .securityAdmin, .auditAdmin: true
        case .unitAdmin, .unitReadOnly: false
        }
    }

    /// Unit roles are bound to one unit and see only its rows.
    public var isUnitScoped: Bool { !isAdministrator }

    /// Administrators must use a second factor.
    public var requiresTOTP: Bool { isAdministrator }
}

/// Who is acting: the authenticated user or machine token behind a request.
public struct Principal: Sendable, Equatable {
    public enum Kind: String, Sendable { case user, token }

    public var kind: Kind
    public var userID: Int64
    public var username: String
    public var role: Role
    public var unitID: Int64?
    /// For machine tokens: the scopes the token was granted; nil for interactive users.
    public var scopes: Set<TokenScope>?
    public var sourceAddress: String

    public init(kind: Kind = .user, userID: Int64, username: String, role: Role, unitID: Int64?,
                scopes: Set<TokenScope>? = nil, sourceAddress: String) {
        self.kind = kind
        self.userID = userID
        self.username = username
        self.role = role
        self.unitID = unitID
        self.scopes = scopes
        self.sourceAddress = sourceAddress
    }

    public var tenantScope: TenantScope {
        if role.isUnitScoped, let unitID { return .unit(unitID) }
        return role.isUnitScoped ? .unit(-1) : .allUnits
    }
}

/// What a machine token may do; a token never exceeds its owner's role either.
public enum TokenScope: String, Codable, Sendable, CaseIterable {
    case registryRead = "registry:read"
    case registryWrite = "registry:write"
    case usageWrite = "usage:write"
    case billingRead = "billing:read"
    case auditRead = "audit:read"
    case eventsWrite = "events:write"
    case eventsRead = "events:read"
}
