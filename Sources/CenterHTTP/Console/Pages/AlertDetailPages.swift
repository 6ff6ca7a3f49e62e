import AnyunCore
import Center
import Detection
import Foundation
import Hummingbird
import LogAudit

/// One alert: what the rule saw, who owns the target, the events behind it, and — for roles
/// that handle alerts — 确认 / 解决 / 重新打开 with a note, each recorded in the audit trail
/// the same way as through the API.
enum AlertDetailPages {
    struct Owner {
        let label: String
        let name: String
        let href: String
    }

    struct Action {
        let value: String
        let label: String
        let style: String
    }

    struct Detail {
        let id: Int64
        let heading: String
        let summary: String
        let severity: Badge
        let state: Badge
        let ruleID: String
        let ruleHref: String
        let category: String
        let groupKey: String
        let count: Int
        let firstSeen: String
        let lastSeen: String
        let owners: [Owner]
        let tags: [String]
        let hasTags: Bool
        let eventsURL: String
    }

    struct Step {
        let at: String
        let user: String
        let from: Badge
        let to: Badge
        let note: String
    }

    struct View {
        let detail: Detail
        let history: [Step]
        let hasHistory: Bool
        let canManage: Bool
        let actions: [Action]
        let note: String
        let alert: Alert?
    }

    static let actions: [(action: String, state: AlertState, label: String, style: String)] = [
        ("acknowledge", .acknowledged, "确认", "primary"), ("resolve", .resolved, "解决", ""), ("reopen", .new, "重新打开", "ghost"),
    ]

    static let notices = ["acknowledge": "告警已确认。", "resolve": "告警已解决。", "reopen": "告警已重新打开。"]

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv, services: LogServices) {
        pages.get("alerts/:id") { request, context in
            let p = try context.requirePrincipal()
            try p.require(.alertRead)
            let notice = FormData.query(request)["done"].flatMap { notices[$0] }
            return try await page(env, services, id: try context.parameters.id(), p: p, context: context, notice: notice)
        }

        pages.post("alerts/:id/transition") { request, context in
            let p = try context.requirePrincipal()
            let form = try await FormData.posted(request, context: context)
            try p.require(.alertManage)
            let id = try context.parameters.id()
            guard let action = form["action"], let target = actions.first(where: { $0.action == action }) else {
                throw ConsoleError.badRequest("未知的操作 (action must be acknowledge, resolve or reopen)")
            }
            let note = form["note"] ?? ""
            guard note.count <= 2_000 else {
                return try await page(env, services, id: id, p: p, context: context, note: note,
                                      failure: ConsoleFailure(CenterError.validation([FieldError("note", "最多 2000 字 (at most 2000 characters)")])))
            }
            let units = p.tenantScope.restrict(nil)
            do {
                let before = try await services.alerts.alert(id: id, units: units)
                let after = try await services.alerts.transition(id: id, to: target.state, by: p.username, note: note, units: units,
                                                                 at: LogEvent.microseconds(Date()))
                try await env.center.store.recordAudit(AuditEntry(action: "alert.\(action)", targetType: "alert", targetID: String(id),
                                                                  unitID: after.unitID, before: before.state.rawValue,
                                                                  after: after.state.rawValue, detail: note.isEmpty ? nil : note),
                                                       by: p.auditActor)
            } catch AlertStoreError.invalidTransition(let from, let to) {
                let failure = ConsoleFailure(status: .conflict, heading: "无法变更状态",
                                             message: "告警当前为「\(AlertText.state(from).text)」，不能变为「\(AlertText.state(to).text)」。请刷新后重试。")
                return try await page(env, services, id: id, p: p, context: context, note: note, failure: failure)
            } catch AlertStoreError.notFound {
                throw CenterError.notFound("alert \(id)")
            }
            return PageRenderer.redirect("/alerts/\(id)?done=\(action)")
        }
    }

    static func page(_ env: ConsoleEnv, _ services: LogServices, id: Int64, p: Principal, context: AppContext,
                     notice: String? = nil, note: String = "", failure: ConsoleFailure? = nil) async throws -> Response {
        let a: Detection.Alert
        do {
            a = try await services.alerts.alert(id: id, units: p.tenantScope.restrict(nil))
        } catch AlertStoreError.notFound {
            throw CenterError.notFound("alert \(id)")
        }
        let time = env.renderer.time
        var owners: [Owner] = []
        if let unit = a.unitID {
            owners.append(Owner(label: "所属单位", name: (try? await env.center.registry.unit(unit, by: p))?.name ?? "单位 #\(unit)",
                                href: "/units/\(unit)"))
        }
        if let system = a.systemID {
            owners.append(Owner(label: "业务系统", name: (try? await env.center.registry.system(system, by: p))?.name ?? "业务系统 #\(system)",
                                href: "/systems/\(system)"))
        }
        if let host = a.hostID {
            owners.append(Owner(label: "云主机", name: (try? await env.center.registry.host(host, by: p))?.hostname ?? "云主机 #\(host)",
                                href: "/hosts/\(host)"))
        }
        let detail = Detail(id: a.id, heading: a.title, summary: a.summary, severity: AlertText.severity(a.severity),
                            state: AlertText.state(a.state), ruleID: a.ruleID,
                            ruleHref: "/alerts" + QueryString([("rule", a.ruleID)]).text, category: AlertText.category(a.category),
                            groupKey: a.groupKey.isEmpty ? "—（不分组）" : a.groupKey, count: a.count,
                            firstSeen: time.text(LogEvent.date(a.firstSeen)), lastSeen: time.text(LogEvent.date(a.lastSeen)),
                            owners: owners, tags: a.tags, hasTags: !a.tags.isEmpty, eventsURL: eventsURL(a, time: time))
        let allowed = actions.filter { AlertText.allowed(from: a.state, to: $0.state) }
            .map { Action(value: $0.action, label: $0.label, style: $0.style) }
        let history = try await services.alerts.history(id: id, units: p.tenantScope.restrict(nil)).map {
            Step(at: time.text(LogEvent.date($0.at)), user: $0.user, from: AlertText.state($0.from), to: AlertText.state($0.to), note: $0.note)
        }
        let view = View(detail: detail, history: history, hasHistory: !history.isEmpty, canManage: p.can(.alertManage) && !allowed.isEmpty, actions: allowed, note: note,
                        alert: failure.map { Alert($0) })
        return await env.renderer.page("alerts-detail", title: "告警详情", nav: .alerts, view, status: failure?.status ?? .ok,
                                       notice: notice, context: context)
    }

    /// The search for the events behind an alert: its grouping values, from five minutes before
    /// it was first seen to five minutes after it was last seen, in its unit.
    static func eventsURL(_ a: Detection.Alert, time: TimeText) -> String {
        let margin: Int64 = 5 * 60_000_000
        return "/logs" + QueryString([("q", AlertText.query(groupKey: a.groupKey) ?? ""),
                                      ("from", LogText.formTime(a.firstSeen - margin, time: time)),
                                      ("to", LogText.formTime(a.lastSeen + margin, time: time)),
                                      ("unit_id", a.unitID.map(String.init))]).text
    }
}
