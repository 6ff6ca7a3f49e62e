import AnyunCore
import AnyunStore
import Foundation

/// Service applications (安全服务申请函) and the subscriptions their approval creates.
public struct SubscriptionService: Sendable {
    let store: any CenterStore
    let today: @Sendable () -> Day

    public init(store: any CenterStore, today: @escaping @Sendable () -> Day) {
        self.store = store
        self.today = today
    }

    public func apply(_ draft: ApplicationDraft, by p: Principal) async throws -> ServiceApplication {
        try p.require(.applicationFile)
        var draft = draft
        if case .unit(let own) = p.tenantScope { draft.unitID = draft.unitID ?? own }
        let catalog = try await store.catalog()
        let units = Dictionary(uniqueKeysWithValues: catalog.map { ($0.service, $0.meteringUnit) })
        return try await translating {
            let v = try draft.validated { units[$0] ?? $0.defaultMeteringUnit }
            try p.requireUnit(v.unitID)
            return try await store.createApplication(v, applicant: p.username, by: p.auditActor)
        }
    }

    public func applications(status: ApplicationStatus?, page: PageRequest, by p: Principal) async throws -> Page<ServiceApplication> {
        try p.require(.registryRead)
        return try await store.applications(status: status, scope: p.tenantScope, page: page)
    }

    public func application(_ id: Int64, by p: Principal) async throws -> ServiceApplication {
        try p.require(.registryRead)
        guard let a = try await store.application(id: id, scope: p.tenantScope) else { throw CenterError.notFound("application \(id)") }
        return a
    }

    /// Approval starts the subscription on the requested day, or today if that has passed:
    /// nothing is billed for days before the approval.
    public func decide(_ id: Int64, approve: Bool, note: String, version: Int, by p: Principal) async throws -> ServiceApplication {
        try p.require(.applicationDecide)
        var v = Validator()
        let note = v.text(note, "note", max: 500, required: !approve)
        try requireValid(v)
        return try await translating {
            try await store.decideApplication(id: id, approve: approve, note: note, startDay: today(), expectedVersion: version,
                                              by: p.auditActor)
        }
    }

    public func withdraw(_ id: Int64, version: Int, by p: Principal) async throws -> ServiceApplication {
        try p.require(.applicationFile)
        return try await translating {
            try await store.withdrawApplication(id: id, expectedVersion: version, scope: p.tenantScope, by: p.auditActor)
        }
    }

    public func subscriptions(activeOn: Day?, service: ServiceKind?, page: PageRequest, by p: Principal) async throws -> Page<Subscription> {
        try p.require(.registryRead)
        return try await store.subscriptions(activeOn: activeOn, service: service, scope: p.tenantScope, page: page)
    }

    public func end(_ id: Int64, lastDay: Day, version: Int, by p: Principal) async throws -> Subscription {
        try p.require(.subscriptionManage)
        return try await translating {
            try await store.endSubscription(id: id, lastDay: lastDay, expectedVersion: version, by: p.auditActor)
        }
    }
}
