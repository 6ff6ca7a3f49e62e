import AnyunCore
import Foundation
import GRDB

extension SQLiteStore {
    public func importHosts(_ rows: [HostImportRow], by actor: AuditActor) async throws -> HostImportSummary {
        let time = now()
        return try await write { db in
            var errors: [RowError] = []
            var summary = HostImportSummary(created: 0, updated: 0)
            for row in rows {
                do {
                    switch try Self.importRow(db, row, by: actor, at: time) {
                    case .created: summary.created += 1
                    case .updated: summary.updated += 1
                    case .unchanged: break
                    }
                } catch let failure as ValidationFailure {
                    errors += failure.errors.map { RowError(line: row.line, field: $0.field, reason: $0.reason) }
                } catch let StoreError.conflict(field) {
                    errors.append(RowError(line: row.line, field: field.field, reason: field.reason))
                }
            }
            // Throwing rolls the whole transaction back: an import is all or nothing.
            if !errors.isEmpty { throw HostImportFailure(errors) }
            try AuditTrailWriter.append(db, AuditEntry(action: "host.import", targetType: "host", targetID: "*",
                                                       detail: "created \(summary.created), updated \(summary.updated)"),
                                        by: actor, at: time)
            return summary
        }
    }

    enum RowOutcome { case created, updated, unchanged }

    /// Creates or updates one row's host.
    private static func importRow(_ db: Database, _ row: HostImportRow, by actor: AuditActor, at time: Date) throws -> RowOutcome {
        guard let unitID = try Int64.fetchOne(db, sql: "SELECT id FROM unit WHERE name = ? OR credit_code = ?",
                                              arguments: [row.unitName, row.unitName.uppercased()]) else {
            throw StoreError.conflict(FieldError("unit", "单位不存在 (unknown unit): \(row.unitName.prefix(100))"))
        }
        guard let systemID = try Int64.fetchOne(db, sql: "SELECT id FROM business_system WHERE unit_id = ? AND name = ?",
                                                arguments: [unitID, row.systemName]) else {
            throw StoreError.conflict(FieldError("system", "该单位没有此业务系统 (unknown system): \(row.systemName.prefix(100))"))
        }
        var draft = row.draft
        draft.systemID = systemID
        let valid = try draft.validated()
        if let existing = try Row.fetchOne(db, sql: "SELECT * FROM host WHERE system_id = ? AND hostname = ?",
                                           arguments: [systemID, valid.hostname]).map(RegistryRows.host) {
            let unchanged = existing.ips == valid.ips && existing.os == valid.os && existing.platform == valid.platform
                && existing.state == valid.state
                && (valid.securityDomain.isEmpty || valid.securityDomain == existing.securityDomain)
            if unchanged { return .unchanged }
            let after = try replaceHost(db, existing, valid, at: time)
            try AuditTrailWriter.append(db, AuditEntry(action: "host.update", targetType: "host", targetID: String(existing.id),
                                                       unitID: unitID, before: AuditJSON.encode(existing),
                                                       after: AuditJSON.encode(after), detail: "import line \(row.line)"),
                                        by: actor, at: time)
            return .updated
        }
        let host = try insertHost(db, valid, at: time)
        try AuditTrailWriter.append(db, AuditEntry(action: "host.create", targetType: "host", targetID: String(host.id),
                                                   unitID: unitID, after: AuditJSON.encode(host),
                                                   detail: "import line \(row.line)"), by: actor, at: time)
        return .created
    }
}
