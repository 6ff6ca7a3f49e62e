import AnyunCore
import AnyunStore
import Center
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogAudit
import XCTest

/// 日志检索, 事件详情 and the CSV export, through the real router with a cookie session.
final class LogConsoleSearchTests: XCTestCase {
    /// 60 events of unit A (5 failed SSH logins from one address among them) and 3 of unit B.
    private func seed(_ c: LogConsoleTestCentre) async throws -> (a: [String], b: [String]) {
        let now = LogConsoleTestCentre.now
        var events: [AnyunCore.LogEvent] = []
        for i in 0..<55 {
            events.append(LogConsoleTestCentre.event(c.t.hostA, app: "nginx", "GET /index-\(i).html 200", at: now - Int64(i) * 60_000_000,
                                                     fields: ["src_ip": "10.9.0.\(i % 3)", "status": "200"]))
        }
        for i in 0..<5 {
            events.append(LogConsoleTestCentre.event(c.t.hostA, app: "sshd", "Failed password for root from 198.51.100.7 port \(40000 + i) ssh2",
                                                     at: now - Int64(i) * 1_000_000,
                                                     fields: ["src_ip": "198.51.100.7", "user": "root", "outcome": "failure"], severity: 5))
        }
        let a = try await c.store(events)
        let b = try await c.store((0..<3).map {
            LogConsoleTestCentre.event(c.t.hostB, app: "nginx", "secret-of-unit-b request \($0)", at: now - Int64($0) * 1_000_000,
                                       fields: ["src_ip": "203.0.113.9", "user": "teacher"])
        })
        return (a, b)
    }

    func testSearchPageShowsHistogramTopValuesRowsAndPages() async throws {
        let c = try await LogConsoleTestCentre.make()
        _ = try await seed(c)
        try await c.app().test(.router) { client in
            let sec = try await Browser.consoleLogin(client, c.t, "sec")
            var r = try await client.execute(uri: "/logs", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .ok, r.html)
            let html = r.html
            XCTAssertTrue(html.contains("<svg class=\"histogram\""), "a server-side chart")
            XCTAssertFalse(html.contains("<script"), "no script needed")
            XCTAssertGreaterThan(html.occurrences(of: "<rect class=\"bar\""), 1)
            XCTAssertTrue(html.contains("<title>") && html.contains(" 条</title>"), "bars carry a tooltip with their count")
            XCTAssertTrue(html.contains("共 63 条"), "both units' events for a whole-cloud role")
            XCTAssertEqual(html.occurrences(of: "class=\"message-link\""), 50, "one page of 50")
            XCTAssertTrue(html.contains("市公安局") && html.contains("市教育局"))
            // Top values: the five failures' address, with a link that narrows the search to it.
            XCTAssertTrue(html.contains("href=\"/logs?q=src_ip%3A198.51.100.7\""), "top value link")
            XCTAssertTrue(html.contains(">root</a>"), "top users")
            XCTAssertTrue(html.contains("href=\"/logs?q=unit%3A%E5%B8%82%E6%95%99%E8%82%B2%E5%B1%80\""), "top units, by name")
            XCTAssertTrue(html.contains("导出 CSV"))
            XCTAssertTrue(html.contains("查询语法说明"))

            r = try await client.execute(uri: "/logs?offset=50", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.html.occurrences(of: "class=\"message-link\""), 13, "the second page holds the rest")

            r = try await client.execute(uri: "/logs?q=src_ip%3A198.51.100.7", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.html.occurrences(of: "class=\"message-link\""), 5)
            XCTAssertTrue(r.html.contains("Failed password for root"))
            XCTAssertFalse(r.html.contains("secret-of-unit-b"))

            // A unit by name, in quotes, as the syntax help shows it.
            r = try await client.execute(uri: "/logs?q=" + encoded("unit:\"市教育局\""),
                                         method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.html.occurrences(of: "class=\"message-link\""), 3, r.html)

            // A period written as the fields and the chart's links write it: only the last 10 minutes.
            let from = Self.localTime(LogConsoleTestCentre.now - 10 * 60_000_000 + 30_000_000, offset: c.t.center.settings.utcOffsetSeconds)
            r = try await client.execute(uri: "/logs?q=app:nginx&from=\(from)", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .ok, r.html)
            XCTAssertEqual(r.html.occurrences(of: "class=\"message-link\""), 10 + 3, "unit A's last 10 minutes of nginx and all of B's")
        }
    }

    func testEventDetailShowsHeaderFieldsFlagsAndOwners() async throws {
        let c = try await LogConsoleTestCentre.make()
        let now = LogConsoleTestCentre.now
        let ids = try await c.store([
            LogConsoleTestCentre.event(c.t.hostA, app: "sshd", "Failed password for root from 198.51.100.7 port 4000 ssh2\nsecond line",
                                       at: now, fields: ["src_ip": "198.51.100.7", "user": "root"]),
            AnyunCore.LogEvent(time: now, received: now, transport: .udp, sourceAddress: "10.1.0.10", message: "<999>garbage \u{FFFD} line",
                     flags: [.parseError, .invalidEncoding], unitID: c.t.hostA.unitID),
        ])
        try await c.app().test(.router) { client in
            let sec = try await Browser.consoleLogin(client, c.t, "sec")
            var r = try await client.execute(uri: "/logs/events/\(ids[0])", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .ok, r.html)
            for text in ["事件详情", ids[0], "Syslog TCP", "10.1.0.10", "web-a", "sshd", "4242", "4 auth 认证", "6 信息（info）",
                         ">src_ip</td>", ">198.51.100.7</a>", "<pre class=\"raw-message\">Failed password for root from 198.51.100.7 port 4000 ssh2\nsecond line</pre>"] {
                XCTAssertTrue(r.html.contains(text), "missing \(text)")
            }
            XCTAssertTrue(r.html.contains("href=\"/units/\(c.t.unitA.id)\">市公安局</a>"))
            XCTAssertTrue(r.html.contains("href=\"/systems/\(c.t.systemA.id)\">门户网站</a>"))
            XCTAssertTrue(r.html.contains("href=\"/hosts/\(c.t.hostA.id)\">web-a</a>"))
            XCTAssertFalse(r.html.contains("异常标记"), "a clean event has no flags")

            r = try await client.execute(uri: "/logs/events/\(ids[1])", method: .get, headers: Browser.session(sec))
            XCTAssertTrue(r.html.contains("无法解析的原始日志"), "parse_error explained")
            XCTAssertTrue(r.html.contains("编码无效"), "invalid_encoding explained")
            XCTAssertTrue(r.html.contains("&lt;999&gt;garbage"), "the raw line, escaped")

            r = try await client.execute(uri: "/logs/events/not-an-id", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .badRequest)
            r = try await client.execute(uri: "/logs/events/2001-01-01-1", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .notFound)
            XCTAssertTrue(r.html.contains("页面不存在"))
        }
    }

    func testUnitUserSeesOnlyTheirUnitsEventsWhateverTheURL() async throws {
        let c = try await LogConsoleTestCentre.make()
        let (a, b) = try await seed(c)
        try await c.app().test(.router) { client in
            let unit = try await Browser.consoleLogin(client, c.t, "unitreader")
            var r = try await client.execute(uri: "/logs", method: .get, headers: Browser.session(unit))
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(r.html.contains("共 60 条"), "only unit A's events")
            XCTAssertFalse(r.html.contains("secret-of-unit-b") || r.html.contains("市教育局"), "nothing of unit B, not even its name")
            XCTAssertFalse(r.html.contains("name=\"unit_id\""), "no unit filter for a unit user")
            XCTAssertTrue(r.html.contains("href=\"/logs\"") && r.html.contains("href=\"/situation\"") && r.html.contains("href=\"/alerts\""))
            for uri in ["/logs?unit_id=\(c.t.unitB.id)", "/logs?q=secret-of-unit-b", "/logs?q=unit_id:\(c.t.unitB.id)",
                        "/logs?q=" + encoded("unit:\"市教育局\"")] {
                r = try await client.execute(uri: uri, method: .get, headers: Browser.session(unit))
                XCTAssertEqual(r.status, .ok, uri)
                XCTAssertFalse(r.html.contains("secret-of-unit-b request"), uri)
                XCTAssertFalse(r.html.contains("class=\"message-link\">secret"), uri)
            }
            r = try await client.execute(uri: "/logs/events/\(b[0])", method: .get, headers: Browser.session(unit))
            XCTAssertEqual(r.status, .notFound, "another unit's event does not exist for this user")
            r = try await client.execute(uri: "/logs/events/\(a[0])", method: .get, headers: Browser.session(unit))
            XCTAssertEqual(r.status, .ok)
            r = try await client.execute(uri: "/logs/export.csv?unit_id=\(c.t.unitB.id)", method: .get, headers: Browser.session(unit))
            XCTAssertEqual(r.status, .ok)
            XCTAssertFalse(String(buffer: r.body).contains("secret-of-unit-b"))
            XCTAssertEqual(String(buffer: r.body).occurrences(of: "\r\n"), 61, "header and unit A's 60 events")

            // A role without log rights gets neither the entries nor the pages.
            let sys = try await Browser.consoleLogin(client, c.t, "sys")
            r = try await client.execute(uri: "/", method: .get, headers: Browser.session(sys))
            XCTAssertFalse(r.html.contains("href=\"/logs\"") || r.html.contains("日志审计"))
            for uri in ["/logs", "/logs/events/\(a[0])", "/logs/export.csv", "/situation", "/alerts"] {
                r = try await client.execute(uri: uri, method: .get, headers: Browser.session(sys))
                XCTAssertEqual(r.status, .forbidden, uri)
            }
        }
    }

    func testSyntaxAndTimeErrorsAreShownOnThePageNotAsAFailure() async throws {
        let c = try await LogConsoleTestCentre.make()
        _ = try await seed(c)
        try await c.app().test(.router) { client in
            let sec = try await Browser.consoleLogin(client, c.t, "sec")
            var r = try await client.execute(uri: "/logs?q=app%3Asshd%20AND%20(user%3Aroot", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertTrue(r.html.contains("查询语法错误（第 "), r.html)
            XCTAssertTrue(r.html.contains("<mark>"), "the culprit is marked")
            XCTAssertTrue(r.html.contains("value=\"app:sshd AND (user:root\""), "the query stays in the box to be fixed")
            XCTAssertFalse(r.html.contains("class=\"message-link\""), "no results for a query that does not parse")

            r = try await client.execute(uri: "/logs?q=src_ip%3A10.0.0.0%2F33", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .badRequest)
            // The column the parser reports, and the character at it marked.
            XCTAssertTrue(r.html.contains("查询语法错误（第 8 列）"), r.html)
            XCTAssertTrue(r.html.contains("src_ip:<mark>1</mark>0.0.0.0/33"), r.html)

            r = try await client.execute(uri: "/logs?from=yesterday", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertTrue(r.html.contains("无法检索") && r.html.contains("yesterday"), r.html)

            r = try await client.execute(uri: "/logs/export.csv?q=(", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertTrue(r.html.contains("查询语法错误"))
        }
    }

    func testCSVExportHasBOMGuardsFormulasPagesThroughEverythingAndIsAudited() async throws {
        let c = try await LogConsoleTestCentre.make()
        let now = LogConsoleTestCentre.now
        var events = (0..<1_203).map { i in
            LogConsoleTestCentre.event(c.t.hostA, app: "cron", "job \(i) done", at: now - Int64(i) * 2_000_000)
        }
        events.append(LogConsoleTestCentre.event(c.t.hostA, app: "cron", "=HYPERLINK(\"http://evil.example\",\"x\")", at: now))
        events.append(LogConsoleTestCentre.event(c.t.hostA, app: "sshd", "not exported", at: now))
        try await c.store(events)
        try await c.app().test(.router) { client in
            let sec = try await Browser.consoleLogin(client, c.t, "sec")
            let r = try await client.execute(uri: "/logs/export.csv?q=app%3Acron&from=now-2h", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.headers[.contentType], "text/csv; charset=utf-8")
            XCTAssertTrue((r.headers[.contentDisposition] ?? "").hasPrefix("attachment; filename=\"logs-"))
            let bytes = Array(r.body.readableBytesView)
            XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "a BOM so spreadsheet programs read UTF-8")
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let records = try CSV.parse(text)
            XCTAssertEqual(records.first.map { Array($0.fields.prefix(3)) }, ["事件编号", "时间（北京时间）", "接收时间"])
            XCTAssertEqual(records.count, 1 + 1_204, "every matching event across several store pages, once")
            XCTAssertEqual(Set(records.dropFirst().map { $0.fields[0] }).count, 1_204, "no event twice")
            XCTAssertFalse(text.contains("not exported"))
            XCTAssertTrue(records.contains { $0.fields.contains("'=HYPERLINK(\"http://evil.example\",\"x\")") }, "formula defused")
            XCTAssertFalse(records.contains { $0.fields.contains { $0.hasPrefix("=") } })
            XCTAssertTrue(records.dropFirst().allSatisfy { $0.fields[3] == "市公安局" && $0.fields[4] == "门户网站" })

            let trail = try await c.t.center.store.auditRecords(AuditQuery(action: "logs.export"), page: PageRequest())
            XCTAssertEqual(trail.total, 1)
            let record = try XCTUnwrap(trail.items.first)
            XCTAssertEqual(record.actorName, "sec")
            XCTAssertTrue(record.detail?.contains("app:cron") == true, record.detail ?? "")
            XCTAssertTrue(record.detail?.contains("导出 1204 条") == true, record.detail ?? "")
        }
    }

    /// The local time as the page writes it in its fields: `YYYY-MM-DDTHH:MM:SS`, no zone.
    private static func localTime(_ micro: Int64, offset: Int) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(secondsFromGMT: offset)
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return f.string(from: Date(timeIntervalSince1970: Double(micro) / 1e6))
    }
}

/// Percent-encodes a query value the way a browser's form does (every byte outside the unreserved set).
func encoded(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
}
