import Foundation

/// A person who logs in. Secrets (password hash, TOTP seed) never live in this type, so it
/// can be shown, encoded and logged without leaking them.
public struct UserAccount: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var role: Role
    public var unitID: Int64?
    public var disabled: Bool
    public var totpEnrolled: Bool
    public var failedLogins: Int
    public var lockedUntil: Date?
    public var lastLoginAt: Date?
    public var passwordChangedAt: Date
    public var version: Int
    public var createdAt: Date

    public init(id: Int64, username: String, displayName: String, role: Role, unitID: Int64?, disabled: Bool,
                totpEnrolled: Bool, failedLogins: Int, lockedUntil: Date?, lastLoginAt: Date?,
                passwordChangedAt: Date, version: Int, createdAt: Date) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.unitID = unitID
        self.disabled = disabled
        self.totpEnrolled = totpEnrolled
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.lastLoginAt = lastLoginAt
        self.passwordChangedAt = passwordChangedAt
        self.version = version
        self.createdAt = createdAt
    }
}

/// A machine credential: scoped, owned by a user whose role bounds it, revocable.
public struct APIToken: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var name: String
    public var ownerID: Int64
    public var scopes: [TokenScope]
    /// The first characters of the token, shown so people can tell tokens apart.
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(id: Int64, name: String, ownerID: Int64, scopes: [TokenScope], prefix: String, createdAt: Date,
                lastUsedAt: Date?, revokedAt: Date?) {
        self.id = id
        self.name = name
        self.ownerID = ownerID
        self.scopes = scopes
        self.prefix = prefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}
