import AnyunCore
import Center
import Detection
import Hummingbird
import LogAudit

/// 告警: the alert queue of the caller's units, filtered by state, severity and rule, newest first.
enum AlertListPages {
    struct Row {
        let id: Int64
        let href: String
        let severity: Badge
        let heading: String
        let summary: String
        let ruleID: String
        let ruleHref: String
        let groupKey: String
        let count: Int
        let firstSeen: String
        let lastSeen: String
        let unit: String
        let state: Badge
    }

    struct View {
        let states: [Option]
        let severities: [Option]
        let rule: String
        let showUnitFilter: Bool
        let units: [Option]
        let rows: [Row]
        let empty: Bool
        let pager: Pager
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv, services: LogServices) {
        pages.get("alerts") { request, context in
            let p = try context.requirePrincipal()
            try p.require(.alertRead)
            let q = FormData.query(request)
            let state = try parse(q["state"], AlertState.init(rawValue:), label: "状态")
            let severity = try parse(q["severity"], Severity.init(rawValue:), label: "级别")
            let unitID = try q.int64("unit_id", label: "单位")
            let showUnits: Bool = if case .allUnits = p.tenantScope { true } else { false }
            let page = try q.page()
            let result = try await services.alerts.alerts(AlertQuery(state: state, minSeverity: severity, ruleID: q["rule"],
                                                                     units: p.tenantScope.restrict(showUnits ? unitID : nil)),
                                                          page: page)
            let names = await LogNames.load(env.center, p)
            let time = env.renderer.time
            let filters = QueryString([("state", q["state"]), ("severity", q["severity"]), ("rule", q["rule"]),
                                       ("unit_id", showUnits ? unitID.map(String.init) : nil)])
            let rows = result.items.map { a in
                Row(id: a.id, href: "/alerts/\(a.id)", severity: AlertText.severity(a.severity), heading: a.title, summary: a.summary,
                    ruleID: a.ruleID, ruleHref: "/alerts" + filters.setting("rule", a.ruleID).setting("offset", nil).text,
                    groupKey: a.groupKey.isEmpty ? "—" : a.groupKey, count: a.count,
                    firstSeen: time.text(LogEvent.date(a.firstSeen)), lastSeen: time.text(LogEvent.date(a.lastSeen)),
                    unit: names.unit(a.unitID) ?? "—", state: AlertText.state(a.state))
            }
            let view = View(
                states: AlertState.allCases.map { Option(value: $0.rawValue, label: AlertText.state($0).text, selected: $0 == state) },
                severities: Severity.allCases.reversed().map {
                    Option(value: $0.rawValue, label: AlertText.severity($0).text + ($0 == .critical ? "" : "及以上"), selected: $0 == severity)
                },
                rule: q["rule"] ?? "", showUnitFilter: showUnits, units: names.directory.unitOptions(selected: unitID),
                rows: rows, empty: rows.isEmpty,
                pager: Pager(path: "/alerts", query: filters, page: page, shown: rows.count, total: result.total))
            return await env.renderer.page("alerts", title: "告警", nav: .alerts, view, context: context)
        }
    }

    static func parse<T>(_ raw: String?, _ make: (String) -> T?, label: String) throws -> T? {
        guard let raw else { return nil }
        guard let value = make(raw) else { throw ConsoleError.badRequest("「\(label)」不支持的取值：\(raw)") }
        return value
    }
}
