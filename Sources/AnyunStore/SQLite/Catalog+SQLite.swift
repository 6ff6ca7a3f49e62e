import AnyunCore
import Foundation
import GRDB

extension SQLiteStore: CatalogStore {
    /// Fills the catalogue with every known service at list price, once.
    func seedCatalog() throws {
        try pool.write { db in
            for kind in ServiceKind.allCases {
                try db.execute(sql: """
                    INSERT INTO catalog_entry (service, name, metering_unit, unit_price, description)
                    VALUES (?, ?, ?, ?, '') ON CONFLICT(service) DO NOTHING
                    """, arguments: [kind.rawValue, kind.chineseName, kind.defaultMeteringUnit.rawValue, kind.defaultPrice.value])
                try db.execute(sql: """
                    INSERT INTO catalog_price (service, effective_day, unit_price) VALUES (?, '0001-01-01', ?)
                    ON CONFLICT DO NOTHING
                    """, arguments: [kind.rawValue, kind.defaultPrice.value])
            }
        }
    }

    public func catalog() async throws -> [CatalogEntry] {
        try await read { db in try Self.fetchCatalog(db) }
    }

    static func fetchCatalog(_ db: Database) throws -> [CatalogEntry] {
        let order = Dictionary(uniqueKeysWithValues: ServiceKind.allCases.enumerated().map { ($1.rawValue, $0) })
        return try Row.fetchAll(db, sql: "SELECT * FROM catalog_entry").compactMap(catalogEntry)
            .sorted { order[$0.service.rawValue, default: 0] < order[$1.service.rawValue, default: 0] }
    }

    static func catalogEntry(_ r: Row) -> CatalogEntry? {
        guard let kind = ServiceKind(rawValue: r["service"]), let unit = MeteringUnit(rawValue: r["metering_unit"]) else { return nil }
        return CatalogEntry(service: kind, name: r["name"], meteringUnit: unit, unitPrice: Fen(r["unit_price"]),
                            description: r["description"], enabled: r["enabled"], version: r["version"])
    }

    public func updateCatalogEntry(_ service: ServiceKind, price: Fen, description: String, enabled: Bool, effectiveFrom day: Day,
                                   expectedVersion: Int, by actor: AuditActor) async throws -> CatalogEntry {
        let time = now()
        return try await write { db in
            guard let before = try Row.fetchOne(db, sql: "SELECT * FROM catalog_entry WHERE service = ?",
                                                arguments: [service.rawValue]).flatMap(Self.catalogEntry) else {
                throw StoreError.notFound(entity: "service", id: service.rawValue)
            }
            try Self.checkVersion("service", expected: expectedVersion, current: before.version)
            try db.execute(sql: """
                UPDATE catalog_entry SET unit_price = ?, description = ?, enabled = ?, version = version + 1 WHERE service = ?
                """, arguments: [price.value, description, enabled, service.rawValue])
            if price != before.unitPrice {
                try db.execute(sql: """
                    INSERT INTO catalog_price (service, effective_day, unit_price) VALUES (?, ?, ?)
                    ON CONFLICT(service, effective_day) DO UPDATE SET unit_price = excluded.unit_price
                    """, arguments: [service.rawValue, day.description, price.value])
            }
            let after = try Row.fetchOne(db, sql: "SELECT * FROM catalog_entry WHERE service = ?",
                                         arguments: [service.rawValue]).flatMap(Self.catalogEntry)!
            try AuditTrailWriter.append(db, AuditEntry(action: "catalog.update", targetType: "service", targetID: service.rawValue,
                                                       before: AuditJSON.encode(before), after: AuditJSON.encode(after)),
                                        by: actor, at: time)
            return after
        }
    }

    /// The price of a service on a day: the latest one that took effect on or before it.
    static func price(_ db: Database, _ service: ServiceKind, on day: Day) throws -> Fen? {
        try Int64.fetchOne(db, sql: """
            SELECT unit_price FROM catalog_price WHERE service = ? AND effective_day <= ?
            ORDER BY effective_day DESC LIMIT 1
            """, arguments: [service.rawValue, day.description]).map(Fen.init)
    }
}
