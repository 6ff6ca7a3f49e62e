import AnyunCore
import Foundation

public struct UnitQuery: Sendable, Equatable {
    public var text: String?
    public var page: PageRequest
    public init(text: String? = nil, page: PageRequest = PageRequest()) {
        self.text = text
        self.page = page
    }
}

public struct SystemQuery: Sendable, Equatable {
    public var unitID: Int64?
    public var level: Int?
    public var text: String?
    public var page: PageRequest
    public init(unitID: Int64? = nil, level: Int? = nil, text: String? = nil, page: PageRequest = PageRequest()) {
        self.unitID = unitID
        self.level = level
        self.text = text
        self.page = page
    }
}

public struct HostQuery: Sendable, Equatable {
    public var unitID: Int64?
    public var systemID: Int64?
    public var state: HostState?
    public var platform: String?
    public var securityDomain: String?
    public var ip: String?
    /// Matches hostname, IP or OS by substring.
    public var text: String?
    public var page: PageRequest
    public init(unitID: Int64? = nil, systemID: Int64? = nil, state: HostState? = nil, platform: String? = nil,
                securityDomain: String? = nil, ip: String? = nil, text: String? = nil, page: PageRequest = PageRequest()) {
        self.unitID = unitID
        self.systemID = systemID
        self.state = state
        self.platform = platform
        self.securityDomain = securityDomain
        self.ip = ip
        self.text = text
        self.page = page
    }
}

public struct AuditQuery: Sendable, Equatable {
    public var actor: String?
    public var action: String?
    public var targetType: String?
    public var from: Date?
    public var to: Date?
    public init(actor: String? = nil, action: String? = nil, targetType: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.from = from
        self.to = to
    }
}

public struct RegistryCounts: Sendable, Equatable, Codable {
    public var units: Int
    public var systems: Int
    public var hosts: Int
    public var activeSubscriptions: Int
    public init(units: Int, systems: Int, hosts: Int, activeSubscriptions: Int) {
        self.units = units
        self.systems = systems
        self.hosts = hosts
        self.activeSubscriptions = activeSubscriptions
    }
}

/// One host row of an import file after its cells were read: references still by name.
public struct HostImportRow: Sendable, Equatable {
    public var line: Int
    public var unitName: String
    public var systemName: String
    public var draft: HostDraft
    public init(line: Int, unitName: String, systemName: String, draft: HostDraft) {
        self.line = line
        self.unitName = unitName
        self.systemName = systemName
        self.draft = draft
    }
}

public struct RowError: Error, Equatable, Sendable, Codable {
    public var line: Int
    public var field: String
    public var reason: String
    public init(line: Int, field: String, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }
}

public struct HostImportFailure: Error, Equatable, Sendable {
    public var errors: [RowError]
    public init(_ errors: [RowError]) { self.errors = errors }
}

public struct HostImportSummary: Sendable, Equatable, Codable {
    public var created: Int
    public var updated: Int
    public init(created: Int, updated: Int) {
        self.created = created
        self.updated = updated
    }
}

/// Bytes a backup engine holds for a unit's service on a day; the day's last report counts.
public struct StorageReport: Sendable, Equatable, Codable {
    public var unitID: Int64
    public var service: ServiceKind
    public var hostID: Int64?
    public var day: Day
    public var bytes: Int64
    public init(unitID: Int64, service: ServiceKind, hostID: Int64?, day: Day, bytes: Int64) {
        self.unitID = unitID
        self.service = service
        self.hostID = hostID
        self.day = day
        self.bytes = bytes
    }
}

public struct NewUser: Sendable, Equatable {
    public var username: String
    public var displayName: String
    public var role: Role
    public var unitID: Int64?
    public var passwordHash: String
    public var sealedTOTPSecret: String?
    public init(username: String, displayName: String, role: Role, unitID: Int64?, passwordHash: String,
                sealedTOTPSecret: String?) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.unitID = unitID
        self.passwordHash = passwordHash
        self.sealedTOTPSecret = sealedTOTPSecret
    }
}

/// The secrets of an account, read only by the authentication service.
public struct StoredCredentials: Sendable {
    public var account: UserAccount
    public var passwordHash: String
    public var sealedTOTPSecret: String?
    public init(account: UserAccount, passwordHash: String, sealedTOTPSecret: String?) {
        self.account = account
        self.passwordHash = passwordHash
        self.sealedTOTPSecret = sealedTOTPSecret
    }
}

public struct SessionRecord: Sendable, Equatable {
    public var tokenHash: String
    public var userID: Int64
    public var createdAt: Date
    public var lastSeenAt: Date
    public var sourceAddress: String
    public init(tokenHash: String, userID: Int64, createdAt: Date, lastSeenAt: Date, sourceAddress: String) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.sourceAddress = sourceAddress
    }
}
