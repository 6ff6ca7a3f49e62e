import AnyunCore
import Center
import Foundation
import Hummingbird
import LogAudit

/// 日志检索: the query language over the caller's events, with a histogram over time, the most
/// frequent values of a few fields (each a link that narrows the search), the matching events
/// page by page, and a CSV export of the same search.
enum LogSearchPages {
    static let pageSize = 50

    struct Preset {
        let label: String
        let href: String
        let active: Bool
    }

    struct Row {
        let id: String
        let href: String
        let time: String
        let unit: String
        let host: String
        let app: String
        let level: Badge?
        let excerpt: String
        let cut: Bool
        let unparsed: Bool
    }

    struct TopItem {
        let label: String
        let count: Int
        let max: Int
        let href: String
    }

    struct TopPanel {
        let heading: String
        let items: [TopItem]
        let none: Bool
    }

    /// A query that does not parse: the message, and the query split around the column so the
    /// page can mark the culprit.
    struct SyntaxProblem {
        let message: String
        let column: Int
        let before: String
        let culprit: String
        let after: String
    }

    struct Example {
        let query: String
        let meaning: String
        let href: String
    }

    struct View {
        let q: String
        let from: String
        let to: String
        let presets: [Preset]
        let showUnitFilter: Bool
        let units: [Option]
        let syntax: SyntaxProblem?
        let badInput: String?
        let searched: Bool
        let period: String
        /// "共 N 条", "至少 N 条" when counting stopped at its time budget.
        let totalText: String
        /// Set when a long window was summarised only in its newest part within the time budget.
        let partialNote: String?
        let chart: SvgHistogram?
        let tops: [TopPanel]
        let rows: [Row]
        let empty: Bool
        let pager: Pager?
        let exportURL: String
        let examples: [Example]
    }

    /// Time budgets of one search page: a window of months is answered in seconds, newest part
    /// first, instead of the page hanging until every day is counted.
    static let searchBudget: Duration = .seconds(3)
    static let summaryBudget: Duration = .seconds(1)

    static func budgeted(_ filter: EventFilter, _ budget: Duration) -> EventFilter {
        var f = filter
        f.deadline = .now + budget
        return f
    }

    static let presets: [(label: String, from: String)] = [("15分钟", "now-15m"), ("1小时", "now-1h"), ("24小时", "now-24h"), ("7天", "now-7d")]

    static let examples: [(String, String)] = [
        ("src_ip:10.1.2.3", "来源地址等于 10.1.2.3（也可写 CIDR：src_ip:10.1.0.0/16）"),
        ("unit:\"市公安局\"", "某单位的日志（名称可用 * ? 通配）"),
        ("app:sshd AND outcome:failure", "SSH 登录失败；AND / OR / NOT 组合，括号分组"),
        ("\"Failed password\" NOT user:root", "全文检索短语，排除 root 用户"),
        ("登录失败", "中文全文检索：任意连续的字都能搜到（“公安”可找到“市公安局”）"),
        ("host:web-* AND severity:<=3", "主机名通配，级别为错误及以上（0–3）"),
        ("port:[1 TO 1024]", "数值范围（[ ] 含端点，{ } 不含）"),
        ("_exists_:user", "含有 user 字段的事件"),
    ]

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv, services: LogServices) {
        pages.get("logs") { request, context in
            let p = try context.requirePrincipal()
            try p.require(.logRead)
            let form = FormData.query(request)
            return try await page(env, services, request: LogRequest(form), offset: try form.int("offset", label: "偏移") ?? 0,
                                  p: p, context: context)
        }
    }

    static func page(_ env: ConsoleEnv, _ services: LogServices, request r: LogRequest, offset: Int, p: Principal,
                     context: AppContext) async throws -> Response {
        let now = LogEvent.microseconds(Date())
        let time = env.renderer.time
        let names = await LogNames.load(env.center, p)
        let showUnits: Bool = if case .allUnits = p.tenantScope { true } else { false }
        let base = r.parameters

        var syntax: SyntaxProblem?
        var badInput: String?
        var filter: EventFilter?
        do {
            filter = try r.filter(p, names: services.names, window: try r.window(now: now), now: now)
        } catch let error as QuerySyntaxError {
            syntax = problem(error, in: r.q)
        } catch let error as QueryCompileError {
            badInput = "查询无法执行：\(error.message)"
        } catch let error as Problem {
            badInput = error.detail
        }

        var rows: [Row] = []
        var chart: SvgHistogram?
        var tops: [TopPanel] = []
        var pager: Pager?
        var period = ""
        var totalText = ""
        var partial = false
        if let filter {
            let page = PageRequest(offset: offset, limit: pageSize)
            let result = try await services.logs.store.search(budgeted(filter, searchBudget), page: page)
            totalText = result.totalIsExact ? "共 \(result.total) 条" : "至少 \(result.total) 条"
            rows = result.items.map { row($0, names: names, time: time) }
            pager = Pager(path: "/logs", query: base, page: page, shown: rows.count, total: result.total)

            // The axis ends now unless the window asks for a past period (or events are dated ahead).
            let start = filter.from
            let bucket = SvgHistogram.bucketWidth(span: max(min(filter.to, now) - start, 60_000_000))
            let chartFilter = budgeted(filter, summaryBudget)
            let counts = try await services.logs.store.histogram(chartFilter, bucketMicroseconds: bucket)
            partial = partial || chartFilter.isPastDeadline
            let lastEnd = (counts.last.map { $0.start + bucket }) ?? start
            let end = max(min(filter.to, now), min(lastEnd, filter.to))
            chart = SvgHistogram.make(buckets: counts.map { ($0.start, $0.count) }, from: start, to: end, bucket: bucket, time: time,
                                      caption: "日志数量随时间分布（北京时间）") { first, last in
                "/logs" + base.setting("from", LogText.formTime(first, time: time)).setting("to", LogText.formTime(last, time: time)).text
            }
            period = "\(time.text(LogEvent.date(start))) 至 \(filter.to >= now ? "现在" : time.text(LogEvent.date(filter.to)))（北京时间）"

            for (field, heading) in [("app", "程序"), ("src_ip", "来源地址"), ("user", "用户"), ("unit_id", "单位")] {
                let topFilter = budgeted(filter, summaryBudget)
                let values = try await services.logs.store.topValues(of: field, topFilter, limit: 8)
                partial = partial || topFilter.isPastDeadline
                let top = values.first?.count ?? 0
                let items = values.map { v -> TopItem in
                    var label = v.value, term = QueryText.term(field, v.value)
                    if field == "unit_id", let id = Int64(v.value) {
                        label = names.directory.unitName(id)
                        // By name when the name is known (it reads better in the box), else by id.
                        if let unit = names.directory.units.first(where: { $0.id == id }) { term = QueryText.term("unit", unit.name) }
                    }
                    return TopItem(label: label, count: v.count, max: top,
                                   href: "/logs" + base.setting("q", QueryText.adding(term, to: r.q)).setting("offset", nil).text)
                }
                tops.append(TopPanel(heading: heading, items: items, none: items.isEmpty))
            }
        }

        let view = View(
            q: r.q, from: r.from ?? "", to: r.to ?? "",
            presets: presets.map { preset in
                Preset(label: preset.label, href: "/logs" + base.setting("from", preset.from).setting("to", nil).text,
                       active: r.from == preset.from && r.to == nil)
            },
            showUnitFilter: showUnits, units: names.directory.unitOptions(selected: r.unitID),
            syntax: syntax, badInput: badInput, searched: filter != nil, period: period, totalText: totalText,
            partialNote: partial ? "时间范围很长：时间分布和排行只统计了最近的一部分。完整结果请导出 CSV，或使用 /api/v1/events/stream 流式接口（附进度）。" : nil,
            chart: chart, tops: tops,
            rows: rows, empty: rows.isEmpty, pager: pager, exportURL: "/logs/export.csv" + base.text,
            examples: examples.map { Example(query: $0.0, meaning: $0.1, href: "/logs" + QueryString([("q", $0.0)]).text) })
        let failed = syntax != nil || badInput != nil
        return await env.renderer.page("logs", title: "日志检索", nav: .logs, view, status: failed ? .badRequest : .ok, context: context)
    }

    static func row(_ stored: StoredEvent, names: LogNames, time: TimeText) -> Row {
        let e = stored.event
        let excerpt = LogText.excerpt(e.message)
        return Row(id: stored.id, href: "/logs/events/\(stored.id)", time: time.text(LogEvent.date(e.time)),
                   unit: names.unit(e.unitID) ?? "—", host: e.hostname ?? e.sourceAddress ?? "—", app: e.app ?? "—",
                   level: LogText.severity(e.severity), excerpt: excerpt.text, cut: excerpt.cut,
                   unparsed: e.flags.contains(.parseError))
    }

    /// Splits the query around the 1-based column (Unicode scalars) the parser blamed.
    static func problem(_ error: QuerySyntaxError, in query: String) -> SyntaxProblem {
        let scalars = Array(query.unicodeScalars)
        let at = min(max(error.column - 1, 0), scalars.count)
        func text(_ s: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(s)) }
        let culprit = at < scalars.count ? text(scalars[at...at]) : " "
        let after = at + 1 < scalars.count ? text(scalars[(at + 1)...]) : ""
        return SyntaxProblem(message: error.chineseMessage, column: error.column, before: text(scalars[..<at]), culprit: culprit, after: after)
    }
}
