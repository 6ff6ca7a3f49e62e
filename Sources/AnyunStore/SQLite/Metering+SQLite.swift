import AnyunCore
import Foundation
import GRDB

extension SQLiteStore: MeteringStore {
    public func meterDay(_ day: Day) async throws -> Int {
        try await write { db in
            let month = day.monthOf.description
            if try Self.monthClosed(db, month) { return 0 }
            let catalog = Dictionary(uniqueKeysWithValues: try Self.fetchCatalog(db).map { ($0.service, $0) })
            let subs = try Row.fetchAll(db, sql: """
                SELECT * FROM subscription WHERE start_day <= ? AND (end_day IS NULL OR end_day >= ?) ORDER BY id
                """, arguments: [day.description, day.description]).map(SubscriptionRows.subscription)
            var storageClaimed = Set<String>()
            for sub in subs {
                guard let entry = catalog[sub.service] else { continue }
                let price = try Self.price(db, sub.service, on: day) ?? entry.unitPrice
                let quantity = try Self.quantityMilli(db, sub, unit: entry.meteringUnit, day: day, storageClaimed: &storageClaimed)
                try db.execute(sql: """
                    INSERT INTO usage_daily (subscription_id, unit_id, service, day, month, quantity_milli, unit_price)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(subscription_id, day) DO UPDATE SET quantity_milli = excluded.quantity_milli,
                        unit_price = excluded.unit_price
                    """, arguments: [sub.id, sub.unitID, sub.service.rawValue, day.description, month, quantity, price.value])
            }
            try db.execute(sql: """
                INSERT INTO metering_state (id, last_day) VALUES (1, ?)
                ON CONFLICT(id) DO UPDATE SET last_day = max(last_day, excluded.last_day)
                """, arguments: [day.description])
            return subs.count
        }
    }

    /// The day's quantity of one subscription, in thousandths of its metering unit.
    static func quantityMilli(_ db: Database, _ sub: Subscription, unit: MeteringUnit, day: Day,
                              storageClaimed: inout Set<String>) throws -> Int64 {
        switch unit.quantitySource {
        case .declared:
            return Int64(sub.quantity) * 1000
        case .coveredSystems:
            let ids = sub.systemIDs.isEmpty
                ? try Int64.fetchAll(db, sql: "SELECT DISTINCT system_id FROM host WHERE id IN (\(sub.hostIDs.columnText))")
                : sub.systemIDs
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM business_system WHERE id IN (\(ids.columnText))") ?? 0
            return Int64(count) * 1000
        case .coveredHosts:
            // Hosts added later to a covered system count from the day they are in service: billing follows actual use.
            let count = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM host WHERE state IN ('active', 'maintenance')
                    AND (id IN (\(sub.hostIDs.columnText)) OR system_id IN (\(sub.systemIDs.columnText)))
                """) ?? 0
            return Int64(count) * 1000
        case .reportedStorage:
            // A unit's stored bytes for a service bill once, to its oldest subscription of that service.
            let key = "\(sub.unitID)|\(sub.service.rawValue)"
            guard storageClaimed.insert(key).inserted else { return 0 }
            let bytes = try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(bytes), 0) FROM storage_report r
                WHERE unit_id = ? AND service = ? AND day = (
                    SELECT MAX(day) FROM storage_report x
                    WHERE x.unit_id = r.unit_id AND x.service = r.service AND x.host_key = r.host_key AND x.day <= ?)
                """, arguments: [sub.unitID, sub.service.rawValue, day.description]) ?? 0
            return Proration.milliGB(bytes: bytes)
        }
    }

    static func monthClosed(_ db: Database, _ month: String) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM closed_month WHERE month = ?", arguments: [month]) != nil
    }

    public func lastMeteredDay() async throws -> Day? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT last_day FROM metering_state WHERE id = 1").flatMap(Day.init)
        }
    }

    public func reportStorage(_ report: StorageReport, by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            guard try Self.fetchUnit(db, report.unitID) != nil else {
                throw StoreError.conflict(FieldError("unitID", "单位不存在 (unknown unit \(report.unitID))"))
            }
            if let hostID = report.hostID {
                guard let host = try Self.fetchHost(db, hostID), host.unitID == report.unitID else {
                    throw StoreError.conflict(FieldError("hostID", "主机不存在或不属于该单位 (unknown host \(hostID))"))
                }
            }
            if try Self.monthClosed(db, report.day.monthOf.description) {
                throw StoreError.conflict(FieldError("day", "该月份已结算 (month \(report.day.monthOf) is closed)"))
            }
            try db.execute(sql: """
                INSERT INTO storage_report (unit_id, service, host_key, day, bytes, reported_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(unit_id, service, host_key, day) DO UPDATE SET bytes = excluded.bytes, reported_at = excluded.reported_at
                """, arguments: [report.unitID, report.service.rawValue, report.hostID ?? 0, report.day.description,
                                 report.bytes, time])
            try AuditTrailWriter.append(db, AuditEntry(action: "usage.storage-report", targetType: "unit",
                                                       targetID: String(report.unitID), unitID: report.unitID,
                                                       after: AuditJSON.encode(report)), by: actor, at: time)
        }
    }

    public func usage(unitID: Int64, month: Month) async throws -> [UsageRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM usage_daily WHERE unit_id = ? AND month = ? ORDER BY subscription_id, day",
                             arguments: [unitID, month.description]).map {
                UsageRecord(subscriptionID: $0["subscription_id"], unitID: $0["unit_id"],
                            service: ServiceKind(rawValue: $0["service"]) ?? .waf, day: Day($0["day"] as String)!,
                            quantityMilli: $0["quantity_milli"], unitPrice: Fen($0["unit_price"]))
            }
        }
    }

    public func closedStatement(unitID: Int64, month: Month) async throws -> BillingStatement? {
        try await read { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM statement WHERE unit_id = ? AND month = ?",
                                                 arguments: [unitID, month.description]) else { return nil }
            return try StatementCoding.decoder.decode(BillingStatement.self, from: Data(body.utf8))
        }
    }

    public func isClosed(_ month: Month) async throws -> Bool {
        try await read { db in try Self.monthClosed(db, month.description) }
    }

    public func closeMonth(_ month: Month, statements: [BillingStatement], by actor: AuditActor) async throws {
        let time = now()
        try await write { db in
            if try Self.monthClosed(db, month.description) {
                throw StoreError.conflict(FieldError("month", "\(month) 已结算 (already closed)"))
            }
            for s in statements {
                precondition(s.month == month && s.closed)
                let body = String(decoding: try StatementCoding.encoder.encode(s), as: UTF8.self)
                try db.execute(sql: """
                    INSERT INTO statement (unit_id, month, unit_name, body, total, generated_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [s.unitID, month.description, s.unitName, body, s.total.value, s.generatedAt])
            }
            try db.execute(sql: "INSERT INTO closed_month (month, closed_at, closed_by) VALUES (?, ?, ?)",
                           arguments: [month.description, time, actor.name])
            let total = statements.reduce(Fen.zero) { $0 + $1.total }
            try AuditTrailWriter.append(db, AuditEntry(action: "billing.close-month", targetType: "month",
                                                       targetID: month.description,
                                                       detail: "\(statements.count) statements, total \(total.yuanText)"),
                                        by: actor, at: time)
        }
    }

    public func closedMonths() async throws -> [Month] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT month FROM closed_month ORDER BY month").compactMap(Month.init)
        }
    }
}

enum StatementCoding {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}
