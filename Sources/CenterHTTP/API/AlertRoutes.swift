import AnyunCore
import Center
import Detection
import Foundation
import Hummingbird

/// `/api/v1/alerts`: the alert queue and its handling, every change recorded in the audit trail.
enum AlertRoutes {
    static func add(to api: RouterGroup<AppContext>, center: Center, services: LogServices) {
        api.get("alerts") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.alertRead)
            let query = AlertQuery(state: try parse(request.string("state"), AlertState.init, "state"),
                                   minSeverity: try parse(request.string("severity"), Severity.init, "severity"),
                                   ruleID: request.string("rule"),
                                   units: principal.tenantScope.restrict(try request.int64("unit_id")))
            let page = try await services.alerts.alerts(query, page: try request.page)
            return try JSONIO.response(AlertList(items: page.items.map(AlertDocument.init), total: page.total))
        }

        api.get("alerts/:id") { _, context in
            let principal = try context.requirePrincipal()
            try principal.require(.alertRead)
            let alert = try await services.alerts.alert(id: try context.parameters.id(), units: principal.tenantScope.restrict(nil))
            return try JSONIO.response(AlertDocument(alert))
        }

        api.get("alerts/:id/history") { _, context in
            let principal = try context.requirePrincipal()
            try principal.require(.alertRead)
            let items = try await services.alerts.history(id: try context.parameters.id(), units: principal.tenantScope.restrict(nil))
            return try JSONIO.response(Items(items: items.map(AlertTransitionJSON.init)))
        }

        for (action, state) in [("acknowledge", AlertState.acknowledged), ("resolve", .resolved), ("reopen", .new)] {
            api.post("alerts/:id/\(action)") { request, context in
                let principal = try context.requirePrincipal()
                try principal.require(.alertManage)
                let note = try await JSONIO.decode(TransitionBody.self, from: request).note ?? ""
                guard note.count <= 2_000 else { throw CenterError.validation([FieldError("note", "最多 2000 字 (at most 2000 characters)")]) }
                let id = try context.parameters.id()
                let before = try await services.alerts.alert(id: id, units: principal.tenantScope.restrict(nil))
                let alert = try await services.alerts.transition(id: id, to: state, by: principal.username, note: note,
                                                                 units: principal.tenantScope.restrict(nil),
                                                                 at: LogEvent.microseconds(Date()))
                try await center.store.recordAudit(AuditEntry(action: "alert.\(action)", targetType: "alert", targetID: String(id),
                                                              unitID: alert.unitID, before: before.state.rawValue,
                                                              after: alert.state.rawValue, detail: note.isEmpty ? nil : note),
                                                   by: principal.auditActor)
                return try JSONIO.response(AlertDocument(alert))
            }
        }

        api.post("alerts/suppressions") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.alertManage)
            let body = try await JSONIO.decode(SuppressionBody.self, from: request)
            var errors: [FieldError] = []
            if body.ruleID.isEmpty { errors.append(FieldError("rule_id", "必填 (required)")) }
            if !(1...(90 * 24 * 60)).contains(body.minutes) { errors.append(FieldError("minutes", "应为 1 分钟到 90 天 (1 minute to 90 days)")) }
            if body.reason.trimmingCharacters(in: .whitespaces).isEmpty { errors.append(FieldError("reason", "必须说明原因 (a reason is required)")) }
            guard errors.isEmpty else { throw CenterError.validation(errors) }
            var unit = body.unitID
            if case .unit(let own) = principal.tenantScope { unit = own }
            let stored = try await services.alerts.suppress(AlertSuppression(
                ruleID: body.ruleID, groupKeyPattern: body.groupKey ?? "*", unitID: unit,
                until: LogEvent.microseconds(Date()) + Int64(body.minutes) * 60_000_000, reason: body.reason,
                createdBy: principal.username))
            try await center.store.recordAudit(AuditEntry(action: "alert.suppress", targetType: "rule", targetID: body.ruleID,
                                                          unitID: unit, after: "\(stored.groupKeyPattern) for \(body.minutes) min",
                                                          detail: body.reason), by: principal.auditActor)
            return try JSONIO.response(stored, status: .created)
        }
    }

    static func parse<T>(_ raw: String?, _ make: (String) -> T?, _ name: String) throws -> T? {
        guard let raw else { return nil }
        guard let value = make(raw) else {
            throw Problem(.badRequest, "Bad Request", detail: "\(name): 不支持的值 (unsupported value) \(raw)",
                          invalidParams: [.init(name: name, reason: "unsupported value", line: nil)])
        }
        return value
    }
}

struct TransitionBody: Decodable {
    var note: String?
}

struct SuppressionBody: Decodable {
    var ruleID: String
    var groupKey: String?
    var unitID: Int64?
    var minutes: Int
    var reason: String

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule_id", groupKey = "group_key", unitID = "unit_id", minutes, reason
    }
}

struct AlertList: Encodable {
    var items: [AlertDocument]
    var total: Int
}

/// `GET /api/v1/alerts/{id}/history` items: times in RFC 3339 like the alert document.
struct AlertTransitionJSON: Encodable {
    var at: String
    var user: String
    var from: String
    var to: String
    var note: String

    init(_ t: AlertTransition) {
        at = AlertDocument.iso8601(t.at)
        user = t.user
        from = t.from.rawValue
        to = t.to.rawValue
        note = t.note
    }
}
