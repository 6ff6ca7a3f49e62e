import AnyunCore
import Foundation

/// The seams between the centre and its storage. The embedded SQLite store implements them
/// now; a PostgreSQL store will implement the same protocols without touching `Center`.
///
/// Every write takes the `AuditActor` and records its audit entry in the same transaction as
/// the change, so no change can exist without its trail record or the other way round.
public protocol RegistryStore: Sendable {
    func createUnit(_ v: UnitDraft.Valid, by: AuditActor) async throws -> GovUnit
    func updateUnit(id: Int64, _ v: UnitDraft.Valid, expectedVersion: Int, by: AuditActor) async throws -> GovUnit
    func unit(id: Int64, scope: TenantScope) async throws -> GovUnit?
    func units(_ q: UnitQuery, scope: TenantScope) async throws -> Page<GovUnit>

    func createSystem(_ v: SystemDraft.Valid, by: AuditActor) async throws -> BusinessSystem
    func updateSystem(id: Int64, _ v: SystemDraft.Valid, expectedVersion: Int, by: AuditActor) async throws -> BusinessSystem
    func system(id: Int64, scope: TenantScope) async throws -> BusinessSystem?
    func systems(_ q: SystemQuery, scope: TenantScope) async throws -> Page<BusinessSystem>

    func createHost(_ v: HostDraft.Valid, by: AuditActor) async throws -> CloudHost
    func updateHost(id: Int64, _ v: HostDraft.Valid, expectedVersion: Int, by: AuditActor) async throws -> CloudHost
    func deleteHost(id: Int64, expectedVersion: Int, by: AuditActor) async throws
    func host(id: Int64, scope: TenantScope) async throws -> CloudHost?
    func hosts(_ q: HostQuery, scope: TenantScope) async throws -> Page<CloudHost>
    /// Creates or updates (by system and hostname) every row, or none: the first failing row
    /// aborts the transaction and every failing row is reported.
    func importHosts(_ rows: [HostImportRow], by: AuditActor) async throws -> HostImportSummary
    func registryCounts(scope: TenantScope) async throws -> RegistryCounts
}

public protocol CatalogStore: Sendable {
    func catalog() async throws -> [CatalogEntry]
    /// A new price takes effect from `effectiveFrom`; days before it keep the price they had.
    func updateCatalogEntry(_ service: ServiceKind, price: Fen, description: String, enabled: Bool, effectiveFrom: Day,
                            expectedVersion: Int, by: AuditActor) async throws -> CatalogEntry
}

public protocol SubscriptionStore: Sendable {
    func createApplication(_ v: ApplicationDraft.Valid, applicant: String, by: AuditActor) async throws -> ServiceApplication
    func application(id: Int64, scope: TenantScope) async throws -> ServiceApplication?
    func applications(status: ApplicationStatus?, scope: TenantScope, page: PageRequest) async throws -> Page<ServiceApplication>
    /// Approves (creating the subscription) or rejects a pending application.
    func decideApplication(id: Int64, approve: Bool, note: String, startDay: Day, expectedVersion: Int,
                           by: AuditActor) async throws -> ServiceApplication
    func withdrawApplication(id: Int64, expectedVersion: Int, scope: TenantScope, by: AuditActor) async throws -> ServiceApplication
    func subscription(id: Int64, scope: TenantScope) async throws -> Subscription?
    func subscriptions(activeOn: Day?, service: ServiceKind?, scope: TenantScope, page: PageRequest) async throws -> Page<Subscription>
    func endSubscription(id: Int64, lastDay: Day, expectedVersion: Int, by: AuditActor) async throws -> Subscription
}

public protocol MeteringStore: Sendable {
    /// Records each active subscription's quantity for `day`, unless its month is closed.
    /// Idempotent: metering a day again replaces that day's records.
    func meterDay(_ day: Day) async throws -> Int
    /// The last day that has been metered, if any.
    func lastMeteredDay() async throws -> Day?
    func reportStorage(_ report: StorageReport, by: AuditActor) async throws
    func usage(unitID: Int64, month: Month) async throws -> [UsageRecord]
    func closedStatement(unitID: Int64, month: Month) async throws -> BillingStatement?
    func isClosed(_ month: Month) async throws -> Bool
    /// Stores every unit's statement for `month` and marks the month closed, in one transaction.
    func closeMonth(_ month: Month, statements: [BillingStatement], by: AuditActor) async throws
    func closedMonths() async throws -> [Month]
}

public protocol AccountStore: Sendable {
    func createUser(_ v: NewUser, by: AuditActor) async throws -> UserAccount
    func user(id: Int64) async throws -> UserAccount?
    func users(role: Role?, unitID: Int64?, page: PageRequest) async throws -> Page<UserAccount>
    func credentials(username: String) async throws -> StoredCredentials?
    func credentials(userID: Int64) async throws -> StoredCredentials?
    func updateUser(id: Int64, displayName: String, disabled: Bool, expectedVersion: Int, by: AuditActor) async throws -> UserAccount
    func setPassword(userID: Int64, hash: String, by: AuditActor) async throws
    func setTOTP(userID: Int64, sealedSecret: String?, by: AuditActor) async throws
    /// Counts a failed login and locks the account once `threshold` is reached; returns the new state.
    func recordLoginFailure(userID: Int64, threshold: Int, lockFor: TimeInterval, reason: String, by: AuditActor) async throws -> UserAccount
    func recordLoginSuccess(userID: Int64, by: AuditActor) async throws
    func unlock(userID: Int64, by: AuditActor) async throws

    func createSession(_ s: SessionRecord) async throws
    func session(tokenHash: String) async throws -> SessionRecord?
    func touchSession(tokenHash: String, at: Date) async throws
    func deleteSession(tokenHash: String, by: AuditActor?) async throws
    func deleteSessions(userID: Int64) async throws
    func purgeSessions(idleBefore: Date) async throws -> Int

    func createToken(name: String, ownerID: Int64, scopes: [TokenScope], tokenHash: String, prefix: String,
                     by: AuditActor) async throws -> APIToken
    func token(hash: String) async throws -> (APIToken, UserAccount)?
    func tokens(ownerID: Int64?) async throws -> [APIToken]
    func revokeToken(id: Int64, by: AuditActor) async throws
    func touchToken(id: Int64, at: Date) async throws
}

public protocol AuditStore: Sendable {
    /// Records an action that changes nothing else (a login, a failed attempt, an export).
    func recordAudit(_ entry: AuditEntry, by: AuditActor) async throws
    func auditRecords(_ q: AuditQuery, page: PageRequest) async throws -> Page<AuditRecord>
    /// Records after `seq` in sequence order, at most `limit`: verification walks the trail with it.
    func auditRecords(afterSeq seq: Int64, limit: Int) async throws -> [AuditRecord]
    func auditHead() async throws -> (seq: Int64, hash: String)?
    func addSeal(_ seal: AuditSeal) async throws
    func seals() async throws -> [AuditSeal]
}

public protocol SettingsStore: Sendable {
    func setting(_ key: String) async throws -> String?
    func setSetting(_ key: String, _ value: String, by: AuditActor) async throws
}

/// Lets callers cache what they read: the number grows after every committed write, so a
/// result read at generation G is fresh while the generation is still G. (A store shared by
/// several centre processes must make this reflect the other processes' writes too.)
public protocol ChangeTracking: Sendable {
    var changeGeneration: UInt64 { get }
}

/// Everything the centre needs from storage.
public typealias CenterStore = RegistryStore & CatalogStore & SubscriptionStore & MeteringStore
    & AccountStore & AuditStore & SettingsStore & ChangeTracking
