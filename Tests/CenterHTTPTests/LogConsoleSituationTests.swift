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

/// 态势感知: charts, what is attacked and from where, silent hosts and the ingest counters, for
/// the whole cloud, for one unit, and as a unit user sees it.
final class LogConsoleSituationTests: XCTestCase {
    func testSituationShowsChartsTopsSilentHostsAndCounters() async throws {
        let c = try await LogConsoleTestCentre.make()
        let now = LogConsoleTestCentre.now
        // Host A spoke ten minutes ago; host B never did. A third host of unit A was retired and is not expected to speak.
        // (A unit administrator registers them: administrators' one-time codes are spent by the fixture.)
        let owner = try await c.t.center.auth.authenticate(try await c.t.center.auth.login(
            username: "unitadmin", password: TestCentre.password, totp: nil, source: "test").token, source: "test")
        _ = try await c.t.center.registry.createHost(HostDraft(systemID: c.t.systemA.id, hostname: "old-a", ips: ["10.1.0.99"],
                                                               os: "Kylin V10", platform: "浪潮云", state: "retired"), by: owner)
        let quiet = try await c.t.center.registry.createHost(HostDraft(systemID: c.t.systemA.id, hostname: "quiet-a", ips: ["10.1.0.98"],
                                                                       os: "Kylin V10", platform: "浪潮云"), by: owner)
        var events: [AnyunCore.LogEvent] = []
        for i in 0..<6 {
            events.append(LogConsoleTestCentre.event(c.t.hostA, app: "sshd", "Failed password for root from 198.51.100.7 port \(i) ssh2",
                                                     at: now - 10 * 60_000_000 - Int64(i) * 1_000,
                                                     fields: ["src_ip": "198.51.100.7", "outcome": "failure"]))
        }
        events.append(LogConsoleTestCentre.event(quiet, app: "cron", "job done", at: now - 3 * 3_600_000_000))
        try await c.store(events)
        _ = try await c.raise(groupKey: "src_ip=198.51.100.7", host: c.t.hostA, at: now - 10 * 60_000_000, summary: "SSH 暴力破解")
        _ = try await c.raise(ruleID: "web_scanner", title: "Web Scanner", severity: .medium, category: "reconnaissance",
                              groupKey: "src_ip=203.0.113.9", host: c.t.hostB, at: now - 60_000_000, summary: "扫描器")

        try await c.app().test(.router) { client in
            let admin = try await Browser.consoleLogin(client, c.t, "sec")
            var r = try await client.execute(uri: "/situation", method: .get, headers: Browser.session(admin))
            XCTAssertEqual(r.status, .ok, r.html)
            var html = r.html
            XCTAssertEqual(html.occurrences(of: "<svg class=\"histogram\""), 2, "events and alerts over time")
            XCTAssertTrue(html.contains("：6 条</title>"), "a bucket's tooltip counts the six failures")
            for text in ["受攻击最多的业务系统", "href=\"/systems/\(c.t.systemA.id)\">门户网站</a>", "src_ip=198.51.100.7", "src_ip=203.0.113.9",
                         "失败事件来源 Top", ">198.51.100.7</a>", "暴力破解（brute_force）", "侦察扫描（reconnaissance）", "高危", "中危",
                         "UDP 接收", "分帧错误", "全部单位（全云）"] {
                XCTAssertTrue(html.contains(text), "missing \(text)")
            }
            // Silent: B (never) and quiet-a (3 hours ago); not A (10 minutes ago), not the retired host.
            let silent = try XCTUnwrap(html.components(separatedBy: "id=\"silent\"").last)
            XCTAssertTrue(silent.contains(">web-b</a>") && silent.contains(">quiet-a</a>"), silent)
            XCTAssertTrue(silent.contains("近 7 天无日志"))
            XCTAssertFalse(silent.contains(">web-a</a>") || silent.contains("old-a"), silent)
            XCTAssertTrue(html.contains("3 台云主机中，2 台超过 30 分钟未发送日志"), "three hosts in service, two silent")

            // A shorter threshold makes host A silent too.
            r = try await client.execute(uri: "/situation?silent=5", method: .get, headers: Browser.session(admin))
            XCTAssertTrue(r.html.contains("3 台云主机中，3 台超过 5 分钟未发送日志"), r.html)
            r = try await client.execute(uri: "/situation?silent=0", method: .get, headers: Browser.session(admin))
            XCTAssertEqual(r.status, .badRequest)

            // One unit, chosen by a whole-cloud role.
            r = try await client.execute(uri: "/situation?unit_id=\(c.t.unitB.id)", method: .get, headers: Browser.session(admin))
            html = r.html
            XCTAssertTrue(html.contains("单位：市教育局"))
            XCTAssertTrue(html.contains("src_ip=203.0.113.9") && !html.contains("src_ip=198.51.100.7"), "only unit B's alerts")
            XCTAssertTrue(html.contains("1 台云主机中，1 台超过"))

            // A unit user: their unit only, whatever the URL, and no cloud-wide listener counters.
            let unit = try await Browser.consoleLogin(client, c.t, "unitreader")
            r = try await client.execute(uri: "/situation?unit_id=\(c.t.unitB.id)", method: .get, headers: Browser.session(unit))
            XCTAssertEqual(r.status, .ok)
            html = r.html
            XCTAssertTrue(html.contains("单位：市公安局"))
            XCTAssertFalse(html.contains("203.0.113.9") || html.contains("web-b") || html.contains("市教育局"), "nothing of unit B")
            XCTAssertFalse(html.contains("UDP 接收"), "listener counters are for whole-cloud roles")
            XCTAssertFalse(html.contains("name=\"unit_id\""))
        }
    }
}
