import AnyunCore
import Center
import Detection
import Foundation
import Hummingbird
import LogAudit

/// 态势感知: the last 24 hours of the whole cloud or of one unit at a glance — events and alerts
/// over time, what is attacked and from where, alerts by severity and category, hosts that went
/// silent, and the syslog listeners' counters.
enum SituationPage {
    static let period: Int64 = 24 * 3_600_000_000
    /// How far back a host's last event is looked for.
    static let lookback: Int64 = 7 * 86_400_000_000
    static let defaultSilentMinutes = 30

    struct Stat {
        let label: String
        let value: String
        let href: String
        /// `stat-warn` / `stat-danger`, or empty.
        let toneClass: String
    }

    struct CountBar {
        let label: String
        let count: Int
        let max: Int
        let href: String
        let linked: Bool
        let badge: Badge?
    }

    struct SilentHost {
        let hostname: String
        let href: String
        let unit: String
        let system: String
        let lastSeen: String
        let never: Bool
    }

    struct Counter {
        let label: String
        let value: Int
        let warn: Bool
    }

    struct Ingest {
        let counters: [Counter]
    }

    struct AlertPanels {
        let chart: SvgHistogram
        let bySeverity: [CountBar]
        let byCategory: [CountBar]
        let noCategories: Bool
        let topSystems: [CountBar]
        let noSystems: Bool
        let topKeys: [CountBar]
        let noKeys: Bool
    }

    struct View {
        let scopeText: String
        let showUnitFilter: Bool
        let units: [Option]
        let silentMinutes: Int
        let stats: [Stat]
        let eventChart: SvgHistogram
        let alerts: AlertPanels?
        let failureSources: [CountBar]
        let noFailureSources: Bool
        let silent: [SilentHost]
        let silentCount: Int
        let silentShown: Int
        let silentCut: Bool
        let noSilent: Bool
        let registeredHosts: Int
        let ingest: Ingest?
    }

    static let maxSilentShown = 200

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv, services: LogServices) {
        pages.get("situation") { request, context in
            let p = try context.requirePrincipal()
            try p.require(.logRead)
            let q = FormData.query(request)
            let silentMinutes = try q.int("silent", label: "静默阈值（分钟）") ?? defaultSilentMinutes
            guard (1...(7 * 24 * 60)).contains(silentMinutes) else {
                throw ConsoleError.badRequest("静默阈值应为 1 分钟到 7 天 (silent must be 1–10080 minutes)")
            }
            let request = LogRequest(q: "", from: nil, to: nil, unitID: try q.int64("unit_id", label: "单位"))
            return try await page(env, services, request: request, silentMinutes: silentMinutes, p: p, context: context)
        }
    }

    static func page(_ env: ConsoleEnv, _ services: LogServices, request r: LogRequest, silentMinutes: Int, p: Principal,
                     context: AppContext) async throws -> Response {
        let now = LogEvent.microseconds(Date())
        let since = now - period
        let time = env.renderer.time
        let store = services.logs.store
        let units = r.units(p)
        let names = await LogNames.load(env.center, p)
        let wholeCloud: Bool = if case .allUnits = p.tenantScope { true } else { false }
        let selectedUnit: Int64? = if case .only(let id) = units { id } else { nil }
        let scope = QueryString([("unit_id", wholeCloud ? selectedUnit.map(String.init) : nil)])
        func search(_ q: String, from: Int64 = since) -> String {
            "/logs" + scope.setting("q", q).setting("from", LogText.formTime(from, time: time)).text
        }

        // Events over the period.
        let events = EventFilter(from: since, to: now, units: units)
        let eventBucket: Int64 = 30 * 60_000_000
        let eventCounts = try await store.histogram(events, bucketMicroseconds: eventBucket)
        let eventChart = SvgHistogram.make(buckets: eventCounts.map { ($0.start, $0.count) }, from: since, to: now, bucket: eventBucket,
                                           time: time, caption: "近 24 小时日志数量（每 30 分钟）", width: SvgHistogram.halfWidth) { first, last in
            "/logs" + scope.setting("from", LogText.formTime(first, time: time)).setting("to", LogText.formTime(last, time: time)).text
        }
        let eventTotal = eventCounts.reduce(0) { $0 + $1.count }

        // Sources of failed logins and other failures, straight from the events.
        let failures = try LogSearch.filter(query: "outcome:failure", from: since, to: now, units: units, names: services.names, now: now)
        let failureValues = try await store.topValues(of: "src_ip", failures, limit: 10)
        let failureSources = bars(failureValues.map { ($0.value, $0.count) }) { search("src_ip:\(QueryText.value($0)) AND outcome:failure") }

        // Alerts, when the store can summarize and the role may read them.
        var alertPanels: AlertPanels?
        var alertTotal: Int?, alertOpen: Int?
        if p.can(.alertRead), let summarizing = services.alerts as? any AlertSummarizing {
            let bucket: Int64 = 3_600_000_000
            let s = try await summarizing.summary(units: units, since: since, until: now, bucketMicroseconds: bucket, top: 10)
            alertTotal = s.total
            alertOpen = s.open
            let chart = SvgHistogram.make(buckets: s.histogram.map { ($0.start, $0.count) }, from: since, to: now, bucket: bucket,
                                          time: time, caption: "近 24 小时告警数量（每小时，按最近发生时间）", noun: "条告警",
                                          width: SvgHistogram.halfWidth)
            let alertScope = QueryString([("unit_id", wholeCloud ? selectedUnit.map(String.init) : nil)])
            let severities = Severity.allCases.reversed().map { ($0, s.bySeverity[$0] ?? 0) }
            let severityMax = severities.map(\.1).max() ?? 0
            let bySeverity = severities.map { severity, count in
                CountBar(label: AlertText.severity(severity).text, count: count, max: max(severityMax, 1),
                         href: "/alerts" + alertScope.setting("severity", severity.rawValue).text, linked: true,
                         badge: AlertText.severity(severity))
            }
            let categories = s.byCategory.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let byCategory = bars(categories.map { (AlertText.category($0.key), $0.value) }, link: nil)
            let topSystems = bars(s.topSystems.map { (names.system($0.systemID) ?? "业务系统 #\($0.systemID)", $0.count) },
                                  hrefs: s.topSystems.map { "/systems/\($0.systemID)" })
            let topKeys = bars(s.topKeys.map { ($0.key, $0.count) }) { key in
                AlertText.query(groupKey: key).map { search($0) } ?? "/alerts"
            }
            alertPanels = AlertPanels(chart: chart, bySeverity: bySeverity, byCategory: byCategory, noCategories: byCategory.isEmpty,
                                      topSystems: topSystems, noSystems: topSystems.isEmpty, topKeys: topKeys, noKeys: topKeys.isEmpty)
        }

        // Hosts in service that sent nothing for too long.
        let hosts = try await LogNames.hosts(env.center, p, unitID: selectedUnit, state: .active)
        let lastSeen = try await store.lastSeenByHost(since: now - lookback, units: units)
        let threshold = now - Int64(silentMinutes) * 60_000_000
        let silentHosts = hosts.filter { (lastSeen[$0.id] ?? 0) < threshold }
            .sorted { a, b in
                let (x, y) = (lastSeen[a.id] ?? 0, lastSeen[b.id] ?? 0)
                // Longest silent first; among equals, u2 before u10.
                return x != y ? x < y : a.hostname.localizedStandardCompare(b.hostname) == .orderedAscending
            }
        let silent = silentHosts.prefix(maxSilentShown).map { h in
            SilentHost(hostname: h.hostname, href: "/hosts/\(h.id)", unit: names.directory.unitName(h.unitID),
                       system: names.directory.systemName(h.systemID),
                       lastSeen: lastSeen[h.id].map { time.text(LogEvent.date($0)) } ?? "近 7 天无日志", never: lastSeen[h.id] == nil)
        }

        var stats = [Stat(label: "近 24 小时日志", value: grouped(eventTotal), href: search("", from: since), toneClass: "")]
        if let alertTotal, let alertOpen {
            stats.append(Stat(label: "近 24 小时告警", value: grouped(alertTotal), href: "/alerts" + scope.text, toneClass: alertTotal > 0 ? "stat-warn" : ""))
            stats.append(Stat(label: "未解决告警（近 24 小时）", value: grouped(alertOpen), href: "/alerts" + scope.text,
                              toneClass: alertOpen > 0 ? "stat-danger" : ""))
        }
        stats.append(Stat(label: "静默主机（超过 \(silentMinutes) 分钟）", value: grouped(silentHosts.count), href: "#silent",
                          toneClass: silentHosts.isEmpty ? "" : "stat-danger"))

        // The listeners are shared by the whole cloud: only whole-cloud roles see their counters.
        var ingest: Ingest?
        if wholeCloud {
            let c = services.logs.stats.snapshot
            ingest = Ingest(counters: [Counter(label: "UDP 接收", value: c.udpReceived, warn: false),
                        Counter(label: "UDP 丢弃（队列满）", value: c.udpDropped, warn: c.udpDropped > 0),
                        Counter(label: "UDP 丢弃（内核缓冲区满）", value: c.udpKernelDropped, warn: c.udpKernelDropped > 0),
                        Counter(label: "TCP/TLS 接收", value: c.streamReceived, warn: false),
                        Counter(label: "当前连接数", value: c.openConnections, warn: false),
                        Counter(label: "拒绝的连接（超过上限）", value: c.refusedConnections, warn: c.refusedConnections > 0),
                        Counter(label: "分帧错误", value: c.framingErrors, warn: c.framingErrors > 0)])
        }

        let scopeText = selectedUnit.map { "单位：\(names.directory.unitName($0))" } ?? "全部单位（全云）"
        let view = View(scopeText: scopeText, showUnitFilter: wholeCloud, units: names.directory.unitOptions(selected: selectedUnit),
                        silentMinutes: silentMinutes, stats: stats, eventChart: eventChart, alerts: alertPanels,
                        failureSources: failureSources, noFailureSources: failureSources.isEmpty, silent: Array(silent),
                        silentCount: silentHosts.count, silentShown: silent.count, silentCut: silentHosts.count > silent.count,
                        noSilent: silentHosts.isEmpty, registeredHosts: hosts.count, ingest: ingest)
        return await env.renderer.page("situation", title: "态势感知", nav: .situation, view, context: context)
    }

    static func bars(_ items: [(String, Int)], hrefs: [String]? = nil, link: ((String) -> String)? = nil) -> [CountBar] {
        let top = max(items.map(\.1).max() ?? 0, 1)
        return items.enumerated().map { i, item in
            let href = hrefs?[i] ?? link?(item.0) ?? ""
            return CountBar(label: item.0, count: item.1, max: top, href: href, linked: !href.isEmpty, badge: nil)
        }
    }

    /// `12,345`
    static func grouped(_ n: Int) -> String {
        var digits = Array(String(n)), out = ""
        while digits.count > 3 {
            out = "," + String(digits.suffix(3)) + out
            digits.removeLast(3)
        }
        return String(digits) + out
    }
}
