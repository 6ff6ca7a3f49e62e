import AnyunCore
import AnyunStore
import Center
import Detection
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogAudit
import XCTest

/// 告警: the list with its filters, the detail, and transitions that need the CSRF token, the
/// permission and the unit, and land in the audit trail.
final class LogConsoleAlertTests: XCTestCase {
    func testAlertListFiltersAndDetailLinksToItsEvents() async throws {
        let c = try await LogConsoleTestCentre.make()
        let now = LogConsoleTestCentre.now
        var events: [AnyunCore.LogEvent] = []
        for i in 0..<5 {
            events.append(LogConsoleTestCentre.event(c.t.hostA, app: "sshd", "Failed password for root from 198.51.100.7 port \(5000 + i) ssh2",
                                                     at: now - 30_000_000 + Int64(i) * 1_000_000,
                                                     fields: ["src_ip": "198.51.100.7", "outcome": "failure"]))
        }
        events.append(LogConsoleTestCentre.event(c.t.hostA, app: "sshd", "Failed password for root from 192.0.2.1 port 1 ssh2",
                                                 at: now - 20_000_000, fields: ["src_ip": "192.0.2.1", "outcome": "failure"]))
        try await c.store(events)
        let brute = try await c.raise(groupKey: "src_ip=198.51.100.7", host: c.t.hostA, at: now - 26_000_000,
                                      summary: "来自 198.51.100.7 的 SSH 暴力破解：60秒内登录失败 5 次（主机 web-a）")
        let low = try await c.raise(ruleID: "sudo_auth_failure", title: "Sudo Authentication Failure", severity: .low,
                                    category: "privilege_escalation", groupKey: "", host: c.t.hostA, at: now - 1_000_000,
                                    summary: "sudo 认证失败")
        try await c.app().test(.router) { client in
            let sec = try await Browser.consoleLogin(client, c.t, "sec")
            var r = try await client.execute(uri: "/alerts", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .ok, r.html)
            for text in ["SSH Brute Force", "来自 198.51.100.7 的 SSH 暴力破解", "src_ip=198.51.100.7", "高危", "低危", "新告警",
                         "href=\"/alerts/\(brute.id)\"", "href=\"/alerts/\(low.id)\"", "市公安局"] {
                XCTAssertTrue(r.html.contains(text), "missing \(text)")
            }
            r = try await client.execute(uri: "/alerts?severity=high", method: .get, headers: Browser.session(sec))
            XCTAssertTrue(r.html.contains("href=\"/alerts/\(brute.id)\""))
            XCTAssertFalse(r.html.contains("href=\"/alerts/\(low.id)\""), "below the chosen severity")
            r = try await client.execute(uri: "/alerts?rule=sudo_auth_failure", method: .get, headers: Browser.session(sec))
            XCTAssertFalse(r.html.contains("href=\"/alerts/\(brute.id)\""))
            XCTAssertTrue(r.html.contains("href=\"/alerts/\(low.id)\""))
            r = try await client.execute(uri: "/alerts?state=resolved", method: .get, headers: Browser.session(sec))
            XCTAssertTrue(r.html.contains("没有符合条件的告警"))
            r = try await client.execute(uri: "/alerts?state=bogus", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .badRequest)

            r = try await client.execute(uri: "/alerts/\(brute.id)", method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .ok)
            for text in ["暴力破解（brute_force）", "mlps.8.1.4.1", "href=\"/hosts/\(c.t.hostA.id)\">web-a</a>",
                         "value=\"acknowledge\"", "value=\"resolve\"", "name=\"csrf\""] {
                XCTAssertTrue(r.html.contains(text), "missing \(text)")
            }
            XCTAssertFalse(r.html.contains("value=\"reopen\""), "a new alert cannot be reopened")

            // The events link: the group key as a query, first/last seen ± 5 minutes, the alert's unit.
            let link = try XCTUnwrap(r.html.value(after: "class=\"button ghost\" href=\"")).replacingOccurrences(of: "&amp;", with: "&")
            XCTAssertTrue(link.hasPrefix("/logs?q=src_ip%3A198.51.100.7&from="), link)
            XCTAssertTrue(link.contains("&unit_id=\(c.t.unitA.id)"), link)
            r = try await client.execute(uri: link, method: .get, headers: Browser.session(sec))
            XCTAssertEqual(r.status, .ok, r.html)
            XCTAssertEqual(r.html.occurrences(of: "class=\"message-link\""), 5, "the five failures from that address, not the other one")
        }
    }

    func testTransitionsNeedCSRFAndPermissionAndAreAudited() async throws {
        let c = try await LogConsoleTestCentre.make()
        let now = LogConsoleTestCentre.now
        let alert = try await c.raise(groupKey: "src_ip=198.51.100.7", host: c.t.hostA, at: now, summary: "SSH 暴力破解")
        try await c.app().test(.router) { client in
            let sec = try await Browser.consoleLogin(client, c.t, "sec")
            let token = try await Browser.csrf(client, sec)
            let path = "/alerts/\(alert.id)/transition"

            var r = try await client.execute(uri: path, method: .post, headers: Browser.session(sec, form: true),
                                             body: Browser.form(["action": "acknowledge", "note": "无令牌"]))
            XCTAssertEqual(r.status, .forbidden, "no CSRF token")
            r = try await client.execute(uri: path, method: .post, headers: Browser.session(sec, form: true),
                                         body: Browser.form(["csrf": String(repeating: "0", count: 64), "action": "acknowledge"]))
            XCTAssertEqual(r.status, .forbidden, "a wrong token")
            var stored = try await c.alerts.alert(id: alert.id, units: .any)
            XCTAssertEqual(stored.state, .new, "nothing changed without the token")

            r = try await client.execute(uri: path, method: .post, headers: Browser.session(sec, form: true),
                                         body: Browser.form(["csrf": token, "action": "acknowledge", "note": "已在防火墙封禁该地址"]))
            XCTAssertEqual(r.status, .seeOther)
            XCTAssertEqual(r.headers[.location], "/alerts/\(alert.id)?done=acknowledge")
            stored = try await c.alerts.alert(id: alert.id, units: .any)
            XCTAssertEqual(stored.state, .acknowledged)
            r = try await client.execute(uri: "/alerts/\(alert.id)?done=acknowledge", method: .get, headers: Browser.session(sec))
            XCTAssertTrue(r.html.contains("告警已确认。") && r.html.contains("已确认"))
            XCTAssertTrue(r.html.contains("value=\"resolve\"") && !r.html.contains("value=\"acknowledge\""))

            r = try await client.execute(uri: path, method: .post, headers: Browser.session(sec, form: true),
                                         body: Browser.form(["csrf": token, "action": "reopen", "note": "误操作"]))
            XCTAssertEqual(r.status, .conflict, "acknowledged cannot go back to new")
            XCTAssertTrue(r.html.contains("不能变为「新告警」"), r.html)
            XCTAssertTrue(r.html.contains(">误操作</textarea>"), "the note is kept for another try")

            r = try await client.execute(uri: path, method: .post, headers: Browser.session(sec, form: true),
                                         body: Browser.form(["csrf": token, "action": "resolve"]))
            XCTAssertEqual(r.status, .seeOther)
            r = try await client.execute(uri: path, method: .post, headers: Browser.session(sec, form: true),
                                         body: Browser.form(["csrf": token, "action": "reopen", "note": "复现"]))
            XCTAssertEqual(r.status, .seeOther)
            stored = try await c.alerts.alert(id: alert.id, units: .any)
            XCTAssertEqual(stored.state, .new)

            // The detail page lists the handling, oldest first, with who and why.
            r = try await client.execute(uri: "/alerts/\(alert.id)", method: .get, headers: Browser.session(sec))
            let table = try XCTUnwrap(r.html.range(of: "id=\"alert-history\"").map { String(r.html[$0.lowerBound...]) })
            let history = String(table[..<(table.range(of: "</table>")?.lowerBound ?? table.endIndex)])
            let firewall = try XCTUnwrap(history.range(of: "已在防火墙封禁该地址")), again = try XCTUnwrap(history.range(of: "复现"))
            XCTAssertLessThan(firewall.lowerBound, again.lowerBound, "oldest first")
            XCTAssertFalse(history.contains("误操作"), "the refused change is not in the history")
            XCTAssertEqual(history.components(separatedBy: "<tr><td>").count - 1, 3)

            // Each change in the trail as the API records it: action, before, after, note, unit.
            var trail: [(String, String?, String?, String?)] = []
            for action in ["alert.acknowledge", "alert.resolve", "alert.reopen"] {
                let page = try await c.t.center.store.auditRecords(AuditQuery(action: action), page: PageRequest())
                XCTAssertEqual(page.total, 1, action)
                for record in page.items {
                    XCTAssertEqual(record.targetType, "alert")
                    XCTAssertEqual(record.targetID, String(alert.id))
                    XCTAssertEqual(record.unitID, c.t.unitA.id)
                    XCTAssertEqual(record.actorName, "sec")
                    trail.append((record.action, record.before, record.after, record.detail))
                }
            }
            XCTAssertEqual(trail.map(\.1), ["new", "acknowledged", "resolved"])
            XCTAssertEqual(trail.map(\.2), ["acknowledged", "resolved", "new"])
            XCTAssertEqual(trail.map(\.3), ["已在防火墙封禁该地址", nil, "复现"])

            // A read-only unit user sees the alert but no buttons, and cannot post a change.
            let reader = try await Browser.consoleLogin(client, c.t, "unitreader")
            r = try await client.execute(uri: "/alerts/\(alert.id)", method: .get, headers: Browser.session(reader))
            XCTAssertEqual(r.status, .ok)
            XCTAssertFalse(r.html.contains("/transition"))
            let readerToken = try await Browser.csrf(client, reader)
            r = try await client.execute(uri: path, method: .post, headers: Browser.session(reader, form: true),
                                         body: Browser.form(["csrf": readerToken, "action": "acknowledge"]))
            XCTAssertEqual(r.status, .forbidden)
            stored = try await c.alerts.alert(id: alert.id, units: .any)
            XCTAssertEqual(stored.state, .new)
        }
    }

    func testAUnitCannotSeeOrHandleAnotherUnitsAlerts() async throws {
        let c = try await LogConsoleTestCentre.make()
        let now = LogConsoleTestCentre.now
        let own = try await c.raise(groupKey: "src_ip=198.51.100.7", host: c.t.hostA, at: now, summary: "本单位告警")
        let foreign = try await c.raise(groupKey: "src_ip=203.0.113.9", host: c.t.hostB, at: now, summary: "其他单位的告警")
        try await c.app().test(.router) { client in
            let unit = try await Browser.consoleLogin(client, c.t, "unitadmin")
            var r = try await client.execute(uri: "/alerts", method: .get, headers: Browser.session(unit))
            XCTAssertTrue(r.html.contains("href=\"/alerts/\(own.id)\""))
            XCTAssertFalse(r.html.contains("href=\"/alerts/\(foreign.id)\"") || r.html.contains("其他单位的告警"))
            r = try await client.execute(uri: "/alerts?unit_id=\(c.t.unitB.id)", method: .get, headers: Browser.session(unit))
            XCTAssertFalse(r.html.contains("其他单位的告警"), "the unit filter cannot widen the scope")
            r = try await client.execute(uri: "/alerts/\(foreign.id)", method: .get, headers: Browser.session(unit))
            XCTAssertEqual(r.status, .notFound)
            let token = try await Browser.csrf(client, unit)
            r = try await client.execute(uri: "/alerts/\(foreign.id)/transition", method: .post, headers: Browser.session(unit, form: true),
                                         body: Browser.form(["csrf": token, "action": "resolve"]))
            XCTAssertEqual(r.status, .notFound)
            let stored = try await c.alerts.alert(id: foreign.id, units: .any)
            XCTAssertEqual(stored.state, .new, "another unit's alert is untouched")
            let trail = try await c.t.center.store.auditRecords(AuditQuery(action: "alert.resolve"), page: PageRequest())
            XCTAssertEqual(trail.total, 0)

            // Its own alert it may handle (a unit administrator holds alertManage).
            r = try await client.execute(uri: "/alerts/\(own.id)/transition", method: .post, headers: Browser.session(unit, form: true),
                                         body: Browser.form(["csrf": token, "action": "resolve"]))
            XCTAssertEqual(r.status, .seeOther)
        }
    }
}
