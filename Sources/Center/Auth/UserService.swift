import AnyunCore
import AnyunStore
import Foundation

public struct NewUserRequest: Codable, Sendable {
    public var username: String?
    public var displayName: String?
    public var role: String?
    public var unitID: Int64?
    public var password: String?
    /// Unit users may opt in to a second factor; administrators always get one.
    public var totp: Bool?

    public init(username: String? = nil, displayName: String? = nil, role: String? = nil, unitID: Int64? = nil,
                password: String? = nil, totp: Bool? = nil) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.unitID = unitID
        self.password = password
        self.totp = totp
    }
}

/// A TOTP secret shown once, at enrollment, for the user's authenticator app.
public struct TOTPEnrollment: Codable, Sendable, Equatable {
    public var secret: String
    public var uri: String
}

public struct CreatedUser: Codable, Sendable {
    public var user: UserAccount
    public var totp: TOTPEnrollment?
}

public struct IssuedToken: Codable, Sendable {
    public var token: String
    public var info: APIToken
}

/// Accounts, passwords, second factors and machine tokens.
public struct UserService: Sendable {
    let store: any CenterStore
    let auth: AuthService
    let policy: PasswordPolicy

    public init(store: any CenterStore, auth: AuthService, policy: PasswordPolicy) {
        self.store = store
        self.auth = auth
        self.policy = policy
    }

    public func create(_ r: NewUserRequest, by p: Principal) async throws -> CreatedUser {
        try p.require(.userManage)
        return try await create(r, actor: p.auditActor)
    }

    /// Creating without a principal is for the first start and the demo, acting as the system.
    public func create(_ r: NewUserRequest, actor: AuditActor) async throws -> CreatedUser {
        var v = Validator()
        let username = v.text(r.username, "username", max: 32)
        if !username.isEmpty && (username.count < 3 || !username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })) {
            v.add("username", "用户名为 3–32 位字母、数字、点、下划线或连字符 (3 to 32 letters, digits, . _ -)")
        }
        let displayName = v.text(r.displayName, "displayName", max: 50)
        let role = r.role.flatMap(Role.init(rawValue:))
        if role == nil {
            v.add("role", "角色应为 \(Role.allCases.map(\.rawValue).joined(separator: "/")) 之一；每个账号只能有一个角色 (one role per account)")
        }
        if let role {
            if role.isUnitScoped && r.unitID == nil { v.add("unitID", "单位角色必须指定所属单位 (unit roles need a unit)") }
            if !role.isUnitScoped && r.unitID != nil { v.add("unitID", "管理员角色不属于单位 (administrators belong to no unit)") }
        }
        if let problem = policy.check(r.password ?? "", username: username) { v.add(problem.field, problem.reason) }
        try requireValid(v)
        let wantsTOTP = role!.requiresTOTP || r.totp == true
        var enrollment: TOTPEnrollment?
        var sealed: String?
        if wantsTOTP {
            let secret = TOTP.generateSecret()
            sealed = try auth.secrets.seal(secret, context: username)
            enrollment = TOTPEnrollment(secret: Base32.encode(secret),
                                        uri: TOTP(secret: secret).provisioningURI(account: username, issuer: "anyun"))
        }
        let hash = try auth.hasher.hash(r.password!)
        let user = try await translating {
            try await store.createUser(NewUser(username: username, displayName: displayName, role: role!, unitID: r.unitID,
                                               passwordHash: hash, sealedTOTPSecret: sealed), by: actor)
        }
        return CreatedUser(user: user, totp: enrollment)
    }

    public func list(role: Role?, unitID: Int64?, page: PageRequest, by p: Principal) async throws -> Page<UserAccount> {
        try p.require(.userManage)
        return try await store.users(role: role, unitID: unitID, page: page)
    }

    public func user(_ id: Int64, by p: Principal) async throws -> UserAccount {
        guard p.can(.userManage) || p.userID == id else { throw CenterError.forbidden("只能查看自己的账号 (only your own account)") }
        guard let u = try await store.user(id: id) else { throw CenterError.notFound("user \(id)") }
        return u
    }

    public func update(_ id: Int64, displayName: String?, disabled: Bool?, version: Int, by p: Principal) async throws -> UserAccount {
        try p.require(.userManage)
        let current = try await user(id, by: p)
        if disabled == true && id == p.userID {
            throw CenterError.conflict(FieldError("disabled", "不能停用自己的账号 (you cannot disable your own account)"))
        }
        var v = Validator()
        let name = v.text(displayName ?? current.displayName, "displayName", max: 50)
        try requireValid(v)
        let updated = try await translating {
            try await store.updateUser(id: id, displayName: name, disabled: disabled ?? current.disabled,
                                       expectedVersion: version, by: p.auditActor)
        }
        auth.invalidate(userID: id)
        return updated
    }

    /// An administrator sets a new password for someone (who should change it on next login).
    public func resetPassword(_ id: Int64, to password: String, by p: Principal) async throws {
        try p.require(.userManage)
        let target = try await user(id, by: p)
        try await setPassword(target, password, actor: p.auditActor)
    }

    public func changeOwnPassword(current: String, new password: String, by p: Principal) async throws {
        guard p.kind == .user, let creds = try await store.credentials(userID: p.userID) else {
            throw CenterError.forbidden("令牌不能修改密码 (tokens cannot change passwords)")
        }
        guard auth.hasher.verify(current, against: creds.passwordHash) else {
            throw CenterError.validation([FieldError("currentPassword", "当前密码不正确 (current password is wrong)")])
        }
        try await setPassword(creds.account, password, actor: p.auditActor)
    }

    private func setPassword(_ user: UserAccount, _ password: String, actor: AuditActor) async throws {
        if let problem = policy.check(password, username: user.username) { throw CenterError.validation([problem]) }
        let hash = try auth.hasher.hash(password)
        try await translating { try await store.setPassword(userID: user.id, hash: hash, by: actor) }
        auth.invalidate(userID: user.id)
    }

    /// Issues a new second factor (a lost phone); the old one stops working at once.
    public func resetTOTP(_ id: Int64, by p: Principal) async throws -> TOTPEnrollment {
        try p.require(.userManage)
        let target = try await user(id, by: p)
        let secret = TOTP.generateSecret()
        try await translating {
            try await store.setTOTP(userID: id, sealedSecret: try auth.secrets.seal(secret, context: target.username), by: p.auditActor)
        }
        auth.invalidate(userID: id)
        return TOTPEnrollment(secret: Base32.encode(secret),
                              uri: TOTP(secret: secret).provisioningURI(account: target.username, issuer: "anyun"))
    }

    public func unlock(_ id: Int64, by p: Principal) async throws {
        try p.require(.userManage)
        try await translating { try await store.unlock(userID: id, by: p.auditActor) }
    }

    // MARK: machine tokens

    public func createToken(name: String?, scopes: [String]?, by p: Principal) async throws -> IssuedToken {
        try p.require(.tokenManageOwn)
        guard p.kind == .user else { throw CenterError.forbidden("令牌不能再签发令牌 (a token cannot issue tokens)") }
        var v = Validator()
        let name = v.text(name, "name", max: 64)
        let parsed = (scopes ?? []).map { ($0, TokenScope(rawValue: $0)) }
        if parsed.isEmpty { v.add("scopes", "至少需要一个权限范围 (at least one scope)") }
        for (i, (raw, scope)) in parsed.enumerated() {
            guard let scope else { v.add("scopes[\(i)]", "未知的权限范围 (unknown scope) \(raw.prefix(40))"); continue }
            if Permission.granted(by: scope).isDisjoint(with: p.permissions) {
                v.add("scopes[\(i)]", "你的角色不具备此权限，不能授予令牌 (your role does not hold \(scope.rawValue))")
            }
        }
        try requireValid(v)
        let token = AuthService.newToken(prefix: "ayt_")
        let info = try await translating {
            try await store.createToken(name: name, ownerID: p.userID, scopes: parsed.compactMap(\.1),
                                        tokenHash: AuthService.digest(token), prefix: String(token.prefix(10)), by: p.auditActor)
        }
        return IssuedToken(token: token, info: info)
    }

    public func tokens(by p: Principal) async throws -> [APIToken] {
        try p.require(.tokenManageOwn)
        return try await store.tokens(ownerID: p.can(.userManage) ? nil : p.userID)
    }

    public func revokeToken(_ id: Int64, by p: Principal) async throws {
        try p.require(.tokenManageOwn)
        let mine = try await store.tokens(ownerID: p.userID).contains { $0.id == id }
        guard mine || p.can(.userManage) else { throw CenterError.notFound("token \(id)") }
        try await translating { try await store.revokeToken(id: id, by: p.auditActor) }
        if let owner = try await store.tokens(ownerID: nil).first(where: { $0.id == id })?.ownerID {
            auth.invalidate(userID: owner)
        }
    }
}
