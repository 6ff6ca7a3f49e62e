import AnyunCore
import Foundation
import GRDB

enum SubscriptionRows {
    static func application(_ r: Row) -> ServiceApplication {
        ServiceApplication(
            id: r["id"], unitID: r["unit_id"], service: ServiceKind(rawValue: r["service"]) ?? .waf,
            systemIDs: [Int64](columnText: r["system_ids"]), hostIDs: [Int64](columnText: r["host_ids"]),
            quantity: r["quantity"], startDay: Day(r["start_day"] as String)!, endDay: (r["end_day"] as String?).flatMap(Day.init),
            purpose: r["purpose"], status: ApplicationStatus(rawValue: r["status"]) ?? .pending, applicant: r["applicant"],
            decidedBy: r["decided_by"], decisionNote: r["decision_note"], subscriptionID: r["subscription_id"],
            version: r["version"], createdAt: r["created_at"], decidedAt: r["decided_at"])
    }

    static func subscription(_ r: Row) -> Subscription {
        Subscription(
            id: r["id"], unitID: r["unit_id"], service: ServiceKind(rawValue: r["service"]) ?? .waf,
            applicationID: r["application_id"], systemIDs: [Int64](columnText: r["system_ids"]),
            hostIDs: [Int64](columnText: r["host_ids"]), quantity: r["quantity"], startDay: Day(r["start_day"] as String)!,
            endDay: (r["end_day"] as String?).flatMap(Day.init), version: r["version"])
    }
}

extension SQLiteStore: SubscriptionStore {
    public func createApplication(_ v: ApplicationDraft.Valid, applicant: String, by actor: AuditActor) async throws -> ServiceApplication {
        let time = now()
        return try await write { db in
            guard try Self.fetchUnit(db, v.unitID) != nil else {
                throw StoreError.conflict(FieldError("unitID", "单位不存在 (unknown unit \(v.unitID))"))
            }
            guard let entry = try Row.fetchOne(db, sql: "SELECT * FROM catalog_entry WHERE service = ?",
                                               arguments: [v.service.rawValue]).flatMap(Self.catalogEntry), entry.enabled else {
                throw StoreError.conflict(FieldError("service", "该服务当前不可申请 (service not offered)"))
            }
            try Self.checkCoverage(db, unitID: v.unitID, systemIDs: v.systemIDs, hostIDs: v.hostIDs)
            try db.execute(sql: """
                INSERT INTO service_application (unit_id, service, system_ids, host_ids, quantity, start_day, end_day, purpose,
                    status, applicant, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                """, arguments: [v.unitID, v.service.rawValue, v.systemIDs.columnText, v.hostIDs.columnText, v.quantity,
                                 v.startDay.description, v.endDay?.description, v.purpose, applicant, time])
            let app = try Self.fetchApplication(db, db.lastInsertedRowID)!
            try AuditTrailWriter.append(db, AuditEntry(action: "application.create", targetType: "application",
                                                       targetID: String(app.id), unitID: app.unitID,
                                                       after: AuditJSON.encode(app)), by: actor, at: time)
            return app
        }
    }

    /// Every covered system and host must exist and belong to the applying unit.
    static func checkCoverage(_ db: Database, unitID: Int64, systemIDs: [Int64], hostIDs: [Int64]) throws {
        for (i, id) in systemIDs.enumerated() {
            guard let s = try fetchSystem(db, id), s.unitID == unitID else {
                throw StoreError.conflict(FieldError("systemIDs[\(i)]", "业务系统 \(id) 不存在或不属于该单位 (unknown system)"))
            }
        }
        for (i, id) in hostIDs.enumerated() {
            guard let h = try fetchHost(db, id), h.unitID == unitID else {
                throw StoreError.conflict(FieldError("hostIDs[\(i)]", "主机 \(id) 不存在或不属于该单位 (unknown host)"))
            }
        }
    }

    static func fetchApplication(_ db: Database, _ id: Int64) throws -> ServiceApplication? {
        try Row.fetchOne(db, sql: "SELECT * FROM service_application WHERE id = ?", arguments: [id])
            .map(SubscriptionRows.application)
    }

    static func fetchSubscription(_ db: Database, _ id: Int64) throws -> Subscription? {
        try Row.fetchOne(db, sql: "SELECT * FROM subscription WHERE id = ?", arguments: [id]).map(SubscriptionRows.subscription)
    }

    public func application(id: Int64, scope: TenantScope) async throws -> ServiceApplication? {
        try await read { db in
            guard let a = try Self.fetchApplication(db, id), scope.restrict(a.unitID) != .none else { return nil }
            return a
        }
    }

    public func applications(status: ApplicationStatus?, scope: TenantScope, page: PageRequest) async throws -> Page<ServiceApplication> {
        try await read { db in
            var f = Filter(unitColumn: "unit_id", scope: scope, requestedUnit: nil)
            if let status { f.add("status = ?", status.rawValue) }
            return try f.page(db, table: "service_application", page: page, map: SubscriptionRows.application)
        }
    }

    public func decideApplication(id: Int64, approve: Bool, note: String, startDay: Day, expectedVersion: Int,
                                  by actor: AuditActor) async throws -> ServiceApplication {
        let time = now()
        return try await write { db in
            guard let before = try Self.fetchApplication(db, id) else {
                throw StoreError.notFound(entity: "application", id: String(id))
            }
            try Self.checkVersion("application", expected: expectedVersion, current: before.version)
            guard before.status == .pending else {
                throw StoreError.conflict(FieldError("status", "申请已处理，当前状态：\(before.status.chineseName) (application is not pending)"))
            }
            var subscriptionID: Int64?
            if approve {
                let start = max(before.startDay, startDay)
                if let end = before.endDay, end < start {
                    throw StoreError.conflict(FieldError("endDay", "申请的结束日期已过 (the requested period has already ended)"))
                }
                try db.execute(sql: """
                    INSERT INTO subscription (unit_id, service, application_id, system_ids, host_ids, quantity, start_day, end_day)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [before.unitID, before.service.rawValue, before.id, before.systemIDs.columnText,
                                     before.hostIDs.columnText, before.quantity, start.description, before.endDay?.description])
                subscriptionID = db.lastInsertedRowID
            }
            try db.execute(sql: """
                UPDATE service_application SET status = ?, decided_by = ?, decision_note = ?, decided_at = ?,
                    subscription_id = ?, version = version + 1 WHERE id = ?
                """, arguments: [approve ? "approved" : "rejected", actor.name, note, time, subscriptionID, id])
            let after = try Self.fetchApplication(db, id)!
            try AuditTrailWriter.append(db, AuditEntry(action: approve ? "application.approve" : "application.reject",
                                                       targetType: "application", targetID: String(id), unitID: after.unitID,
                                                       before: AuditJSON.encode(before), after: AuditJSON.encode(after)),
                                        by: actor, at: time)
            return after
        }
    }

    public func withdrawApplication(id: Int64, expectedVersion: Int, scope: TenantScope, by actor: AuditActor) async throws -> ServiceApplication {
        let time = now()
        return try await write { db in
            guard let before = try Self.fetchApplication(db, id), scope.restrict(before.unitID) != .none else {
                throw StoreError.notFound(entity: "application", id: String(id))
            }
            try Self.checkVersion("application", expected: expectedVersion, current: before.version)
            guard before.status == .pending else {
                throw StoreError.conflict(FieldError("status", "只能撤回待审批的申请 (only pending applications can be withdrawn)"))
            }
            try db.execute(sql: "UPDATE service_application SET status = 'withdrawn', version = version + 1 WHERE id = ?",
                           arguments: [id])
            let after = try Self.fetchApplication(db, id)!
            try AuditTrailWriter.append(db, AuditEntry(action: "application.withdraw", targetType: "application",
                                                       targetID: String(id), unitID: after.unitID,
                                                       before: AuditJSON.encode(before), after: AuditJSON.encode(after)),
                                        by: actor, at: time)
            return after
        }
    }

    public func subscription(id: Int64, scope: TenantScope) async throws -> Subscription? {
        try await read { db in
            guard let s = try Self.fetchSubscription(db, id), scope.restrict(s.unitID) != .none else { return nil }
            return s
        }
    }

    public func subscriptions(activeOn day: Day?, service: ServiceKind?, scope: TenantScope, page: PageRequest) async throws -> Page<Subscription> {
        try await read { db in
            var f = Filter(unitColumn: "unit_id", scope: scope, requestedUnit: nil)
            if let day { f.add("start_day <= ? AND (end_day IS NULL OR end_day >= ?)", day.description, day.description) }
            if let service { f.add("service = ?", service.rawValue) }
            return try f.page(db, table: "subscription", page: page, map: SubscriptionRows.subscription)
        }
    }

    public func endSubscription(id: Int64, lastDay: Day, expectedVersion: Int, by actor: AuditActor) async throws -> Subscription {
        let time = now()
        return try await write { db in
            guard let before = try Self.fetchSubscription(db, id) else {
                throw StoreError.notFound(entity: "subscription", id: String(id))
            }
            try Self.checkVersion("subscription", expected: expectedVersion, current: before.version)
            if lastDay < before.startDay.adding(days: -1) {
                throw StoreError.conflict(FieldError("lastDay", "结束日期早于开始日期 (ends before it starts)"))
            }
            if try Int.fetchOne(db, sql: "SELECT 1 FROM closed_month WHERE month >= ?", arguments: [lastDay.monthOf.description]) != nil {
                throw StoreError.conflict(FieldError("lastDay", "该月份已结算，不能追溯 (the month of the last day is already closed)"))
            }
            try db.execute(sql: "UPDATE subscription SET end_day = ?, version = version + 1 WHERE id = ?",
                           arguments: [lastDay.description, id])
            try db.execute(sql: "DELETE FROM usage_daily WHERE subscription_id = ? AND day > ?",
                           arguments: [id, lastDay.description])
            let after = try Self.fetchSubscription(db, id)!
            try AuditTrailWriter.append(db, AuditEntry(action: "subscription.end", targetType: "subscription",
                                                       targetID: String(id), unitID: after.unitID,
                                                       before: AuditJSON.encode(before), after: AuditJSON.encode(after)),
                                        by: actor, at: time)
            return after
        }
    }
}
