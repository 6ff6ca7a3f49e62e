import AnyunCore
import AnyunCrypto
import AnyunStore
import Foundation
import Logging

/// Settings of the centre that are not about where it listens.
public struct CenterSettings: Sendable {
    public var auth = AuthSettings()
    public var passwordPolicy = PasswordPolicy()
    public var hasher = PasswordHasher.standard
    /// How often the audit trail's head is signed when it has moved.
    public var sealInterval: TimeInterval = 60
    /// How often usage is metered.
    public var meterInterval: TimeInterval = 3600
    /// The operator's time zone, in which billing days begin (China: UTC+8, no daylight saving).
    public var utcOffsetSeconds = 8 * 3600

    public init() {}
}

/// The centre's application services over one store: what the HTTP layer and the CLI call.
public struct Center: Sendable {
    public let store: any CenterStore
    public let auth: AuthService
    public let users: UserService
    public let registry: RegistryService
    public let catalog: CatalogService
    public let subscriptions: SubscriptionService
    public let billing: BillingService
    public let audit: AuditService
    public let settings: CenterSettings
    public let now: @Sendable () -> Date

    public init(store: any CenterStore, keys: CenterKeys, settings: CenterSettings = CenterSettings(),
                now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "anyun.center")) {
        self.store = store
        self.settings = settings
        self.now = now
        let offset = settings.utcOffsetSeconds
        let today: @Sendable () -> Day = { Day(secondsSince1970: now().timeIntervalSince1970, utcOffsetSeconds: offset) }
        auth = AuthService(store: store, hasher: settings.hasher, secrets: SecretBox(key: keys.master),
                           settings: settings.auth, now: now, logger: logger)
        users = UserService(store: store, auth: auth, policy: settings.passwordPolicy)
        registry = RegistryService(store: store)
        catalog = CatalogService(store: store, today: today)
        subscriptions = SubscriptionService(store: store, today: today)
        billing = BillingService(store: store, today: today, now: now)
        audit = AuditService(store: store, sealKey: keys.auditSeal, now: now, logger: logger)
    }

    public var today: Day { Day(secondsSince1970: now().timeIntervalSince1970, utcOffsetSeconds: settings.utcOffsetSeconds) }
}
