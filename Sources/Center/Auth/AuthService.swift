import AnyunCore
import AnyunStore
import Crypto
import Foundation
import Logging
import Synchronization

public struct AuthSettings: Sendable, Equatable {
    /// Failed attempts (password or second factor) before the account locks.
    public var lockoutThreshold = 5
    public var lockoutDuration: TimeInterval = 15 * 60
    /// A session unused this long is over (MLPS 8.1.4.1 b: 登录连接超时自动退出).
    public var idleTimeout: TimeInterval = 15 * 60
    /// However active, a session lasts at most this long.
    public var maxSessionAge: TimeInterval = 12 * 3600
    /// How stale the stored last-seen time may get: writing it on every request would make
    /// every read a write.
    public var touchInterval: TimeInterval = 30

    public init() {}
}

public struct LoginResult: Sendable {
    public var token: String
    public var account: UserAccount
    public var expiresIn: TimeInterval
}

/// Logs people in, checks every request's credential and ends sessions.
public final class AuthService: Sendable {
    let store: any CenterStore
    let hasher: PasswordHasher
    let secrets: SecretBox
    let settings: AuthSettings
    let now: @Sendable () -> Date
    let logger: Logger
    let dummyHash: String
    private let cache = Mutex<[String: CachedCredential]>([:])
    /// The last TOTP step each account used: a code is good once (RFC 6238 §5.2).
    private let usedSteps = Mutex<[Int64: Int64]>([:])

    struct CachedCredential {
        var principal: Principal
        var createdAt: Date
        var lastSeen: Date
        var persistedSeen: Date
        var tokenID: Int64?
    }

    public init(store: any CenterStore, hasher: PasswordHasher, secrets: SecretBox, settings: AuthSettings,
                now: @escaping @Sendable () -> Date, logger: Logger) {
        self.store = store
        self.hasher = hasher
        self.secrets = secrets
        self.settings = settings
        self.now = now
        self.logger = logger
        dummyHash = (try? hasher.hash("anyun-dummy-password")) ?? ""
    }

    // MARK: login

    public func login(username: String, password: String, totp: String?, source: String) async throws -> LoginResult {
        let time = now()
        let name = username.trimmingWhitespace()
        let attempt = AuditActor(id: nil, name: String(name.prefix(64)), role: "anonymous", sourceAddress: source)
        guard !name.isEmpty, let creds = try await store.credentials(username: name) else {
            // Spend the same time as a real check so response times do not reveal which names exist.
            _ = hasher.verify(password, against: dummyHash)
            try await store.recordAudit(AuditEntry(action: "auth.login", targetType: "user", targetID: "?", outcome: "failure",
                                                   detail: "unknown user"), by: attempt)
            throw CenterError.unauthorized("用户名或密码错误 (wrong username or password)")
        }
        let account = creds.account
        let actor = AuditActor(id: account.id, name: account.username, role: account.role.rawValue, sourceAddress: source)
        if let until = account.lockedUntil, until > time {
            try await store.recordAudit(AuditEntry(action: "auth.login", targetType: "user", targetID: String(account.id),
                                                   unitID: account.unitID, outcome: "failure", detail: "account locked"),
                                        by: actor)
            throw CenterError.locked(until: until)
        }
        guard hasher.verify(password, against: creds.passwordHash) else {
            try await fail(account, actor: actor, reason: "wrong password")
        }
        if account.disabled {
            try await store.recordAudit(AuditEntry(action: "auth.login", targetType: "user", targetID: String(account.id),
                                                   unitID: account.unitID, outcome: "failure", detail: "account disabled"),
                                        by: actor)
            throw CenterError.unauthorized("账号已停用 (account disabled)")
        }
        if account.role.requiresTOTP || creds.sealedTOTPSecret != nil {
            try await checkSecondFactor(creds, code: totp, at: time, actor: actor)
        }
        try await store.recordLoginSuccess(userID: account.id, by: actor)
        let token = Self.newToken(prefix: "ays_")
        try await store.createSession(SessionRecord(tokenHash: Self.digest(token), userID: account.id, createdAt: time,
                                                    lastSeenAt: time, sourceAddress: source))
        logger.info("login", metadata: ["user": "\(account.username)", "role": "\(account.role.rawValue)", "source": "\(source)"])
        return LoginResult(token: token, account: account, expiresIn: settings.idleTimeout)
    }

    private func checkSecondFactor(_ creds: StoredCredentials, code: String?, at time: Date, actor: AuditActor) async throws {
        let account = creds.account
        guard let sealed = creds.sealedTOTPSecret else {
            // An administrator without an enrolled second factor cannot log in at all.
            try await fail(account, actor: actor, reason: "second factor not enrolled")
        }
        guard let code, !code.isEmpty else {
            throw CenterError.unauthorized("需要动态口令 (TOTP code required)")
        }
        let secret = try secrets.open(sealed, context: account.username)
        guard let step = TOTP(secret: secret).matchingStep(code, at: time) else {
            try await fail(account, actor: actor, reason: "wrong TOTP code")
        }
        let fresh = usedSteps.withLock { used -> Bool in
            if let last = used[account.id], step <= last { return false }
            used[account.id] = step
            return true
        }
        if !fresh { try await fail(account, actor: actor, reason: "TOTP code replayed") }
    }

    private func fail(_ account: UserAccount, actor: AuditActor, reason: String) async throws -> Never {
        let after = try await store.recordLoginFailure(userID: account.id, threshold: settings.lockoutThreshold,
                                                       lockFor: settings.lockoutDuration, reason: reason, by: actor)
        logger.notice("login failed", metadata: ["user": "\(account.username)", "reason": "\(reason)", "source": "\(actor.sourceAddress)"])
        if let until = after.lockedUntil, until > now() { throw CenterError.locked(until: until) }
        throw CenterError.unauthorized(reason.contains("TOTP") || reason.contains("second factor")
            ? "动态口令错误 (wrong TOTP code)" : "用户名或密码错误 (wrong username or password)")
    }

    // MARK: per request

    /// The principal behind a bearer credential, or `unauthorized`.
    public func authenticate(_ token: String, source: String) async throws -> Principal {
        let hash = Self.digest(token)
        let time = now()
        var credential: CachedCredential
        if let cached = cache.withLock({ $0[hash] }) {
            credential = cached
        } else {
            credential = try await load(token: token, hash: hash, at: time)
        }
        try await checkFreshness(credential, at: time, hash: hash)
        // This request is activity: the idle clock restarts now, in memory at once and in storage
        // at most every `touchInterval`, so reads do not all become writes.
        credential.lastSeen = time
        let persist = time.timeIntervalSince(credential.persistedSeen) >= settings.touchInterval
        if persist { credential.persistedSeen = time }
        cache.withLock { [credential] in $0[hash] = credential }
        if persist { try await persistSeen(credential, hash: hash, at: time) }
        var p = credential.principal
        p.sourceAddress = source
        return p
    }

    private func checkFreshness(_ c: CachedCredential, at time: Date, hash: String) async throws {
        guard c.tokenID == nil else { return }
        if time.timeIntervalSince(c.lastSeen) > settings.idleTimeout || time.timeIntervalSince(c.createdAt) > settings.maxSessionAge {
            cache.withLock { _ = $0.removeValue(forKey: hash) }
            try? await store.deleteSession(tokenHash: hash, by: nil)
            throw CenterError.unauthorized("会话已超时，请重新登录 (session expired)")
        }
    }

    private func persistSeen(_ c: CachedCredential, hash: String, at time: Date) async throws {
        if let id = c.tokenID { try await store.touchToken(id: id, at: time) } else {
            try await store.touchSession(tokenHash: hash, at: time)
        }
    }

    private func load(token: String, hash: String, at time: Date) async throws -> CachedCredential {
        if token.hasPrefix("ayt_") {
            guard let (t, owner) = try await store.token(hash: hash), t.revokedAt == nil, !owner.disabled else {
                throw CenterError.unauthorized("令牌无效或已吊销 (invalid or revoked token)")
            }
            let p = Principal(kind: .token, userID: owner.id, username: "\(owner.username)/token:\(t.name)", role: owner.role,
                              unitID: owner.unitID, scopes: Set(t.scopes), sourceAddress: "")
            return CachedCredential(principal: p, createdAt: t.createdAt, lastSeen: time, persistedSeen: .distantPast, tokenID: t.id)
        }
        guard token.hasPrefix("ays_"), let session = try await store.session(tokenHash: hash),
              let user = try await store.user(id: session.userID), !user.disabled else {
            throw CenterError.unauthorized("未登录或会话已失效 (not logged in or session ended)")
        }
        let p = Principal(userID: user.id, username: user.username, role: user.role, unitID: user.unitID, sourceAddress: "")
        return CachedCredential(principal: p, createdAt: session.createdAt, lastSeen: session.lastSeenAt,
                                persistedSeen: session.lastSeenAt, tokenID: nil)
    }

    public func logout(_ token: String, principal: Principal) async throws {
        let hash = Self.digest(token)
        cache.withLock { _ = $0.removeValue(forKey: hash) }
        try await store.deleteSession(tokenHash: hash, by: principal.auditActor)
    }

    /// Drops cached credentials of a user after their password, status or tokens changed.
    public func invalidate(userID: Int64) {
        cache.withLock { $0 = $0.filter { $0.value.principal.userID != userID } }
    }

    /// Ends idle sessions in storage; the in-memory copies expire on their next use.
    public func purgeIdleSessions() async throws -> Int {
        let cutoff = now().addingTimeInterval(-settings.idleTimeout)
        cache.withLock { $0 = $0.filter { $0.value.tokenID != nil || $0.value.lastSeen >= cutoff } }
        return try await store.purgeSessions(idleBefore: cutoff)
    }

    // MARK: tokens

    static func newToken(prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let b64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + b64
    }

    /// Credentials are stored only as digests: a stolen database gives no usable token.
    static func digest(_ token: String) -> String {
        AuditChain.hex(Array(SHA256.hash(data: Array(token.utf8))))
    }

}
