import AnyunCore
import AnyunStore

public struct CatalogUpdate: Codable, Sendable {
    public var unitPrice: Int64?
    public var description: String?
    public var enabled: Bool?
    public var version: Int?
    public init(unitPrice: Int64? = nil, description: String? = nil, enabled: Bool? = nil, version: Int? = nil) {
        self.unitPrice = unitPrice
        self.description = description
        self.enabled = enabled
        self.version = version
    }
}

/// The service catalogue: everyone reads it, the security administrator prices it.
public struct CatalogService: Sendable {
    let store: any CenterStore
    let today: @Sendable () -> Day

    public init(store: any CenterStore, today: @escaping @Sendable () -> Day) {
        self.store = store
        self.today = today
    }

    public func entries(by p: Principal) async throws -> [CatalogEntry] {
        try p.require(.catalogRead)
        return try await store.catalog()
    }

    public func update(_ service: String, _ change: CatalogUpdate, by p: Principal) async throws -> CatalogEntry {
        try p.require(.catalogWrite)
        guard let kind = ServiceKind(rawValue: service) else { throw CenterError.notFound("service \(service)") }
        guard let current = try await store.catalog().first(where: { $0.service == kind }) else {
            throw CenterError.notFound("service \(service)")
        }
        var v = Validator()
        let price = change.unitPrice ?? current.unitPrice.value
        v.require((0...100_000_000_00).contains(price), "unitPrice", "单价应为 0 至 1 亿元之间的整数分 (price in fen, 0 to 10^10)")
        let description = v.text(change.description ?? current.description, "description", max: 500, required: false)
        if change.version == nil { v.add("version", "需要提供当前版本号 (version required)") }
        try requireValid(v)
        return try await translating {
            try await store.updateCatalogEntry(kind, price: Fen(price), description: description,
                                               enabled: change.enabled ?? current.enabled, effectiveFrom: today(),
                                               expectedVersion: change.version!,
                                               by: p.auditActor)
        }
    }
}

/// Throws the validator's collected field errors, if any, as the centre's validation error.
func requireValid(_ v: Validator) throws {
    if !v.errors.isEmpty { throw CenterError.validation(v.errors) }
}
