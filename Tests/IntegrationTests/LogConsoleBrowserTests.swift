import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The log-audit console in a real headless Chromium against the real server: syslog over TCP
/// (five failed SSH passwords from one address among other lines), then the security
/// administrator searches them, opens an event, acknowledges the brute-force alert and looks at
/// 态势感知. Screenshots go to `.build/test-output/LogConsoleBrowserTests/`.
final class LogConsoleBrowserTests: XCTestCase {
    func testSearchEventAlertAndSituationInABrowser() async throws {
        let server = try ServerProcess(arguments: ["--demo", "--syslog-tcp", "127.0.0.1:0"])
        try await server.waitUntilReady()
        let tcp = try SyslogSocket.port("TCP", in: server.log)
        let credentials = server.dataDirectory.appendingPathComponent("demo-credentials.json")
        let accounts = try JSONSerialization.jsonObject(with: Data(contentsOf: credentials)) as! [[String: Any]]
        func password(_ user: String) -> String { accounts.first { $0["username"] as? String == user }!["password"] as! String }
        let shots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/test-output/LogConsoleBrowserTests")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

        // A host of unit01's unit: its name in the header attributes the lines to that unit.
        let unitUser = try await HTTP(base: server.baseURL).login("unit01", credentials: credentials)
        let hosts = try await unitUser.send("GET", "/api/v1/hosts?limit=1").json as? [String: Any]
        let hostname = try XCTUnwrap((hosts?["items"] as? [[String: Any]])?.first?["hostname"] as? String)

        let attacker = "198.51.100.77"
        let socket = try SyslogSocket.connectTCP(tcp)
        for i in 0..<5 {
            try SyslogSocket.send(socket, SyslogSocket.octetFramed(SyslogSocket.rfc5424(
                host: hostname, app: "sshd", "Failed password for root from \(attacker) port \(50000 + i) ssh2", severity: 5)))
        }
        for line in ["Accepted publickey for deploy from 10.20.1.5 port 51000 ssh2",
                     "pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)"] {
            try SyslogSocket.send(socket, SyslogSocket.octetFramed(SyslogSocket.rfc5424(host: hostname, app: "sshd", line)))
        }
        try SyslogSocket.send(socket, Array("<86>Nov 25 10:00:00 \(hostname) sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id\n".utf8))
        close(socket)
        _ = try await unitUser.waitForEvents("src_ip:\(attacker)", atLeast: 5)
        var alertID: Int?
        for _ in 0..<100 where alertID == nil {
            let alerts = try await unitUser.send("GET", "/api/v1/alerts?limit=100").json as? [String: Any]
            alertID = (alerts?["items"] as? [[String: Any]])?.first { ($0["group_key"] as? String) == "src_ip=\(attacker)" }?["id"] as? Int
            if alertID == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let id = try XCTUnwrap(alertID, "the five failures raise a brute-force alert")

        let browser: WebDriver
        do { browser = try await WebDriver() } catch let error as WebDriver.WebDriverError {
            _ = try await server.terminate()
            throw XCTSkip(error.description)
        }
        do {
            try await browser.open(server.baseURL.appendingPathComponent("login"))
            try await browser.type("#username", "secadmin")
            try await browser.type("#password", password("secadmin"))
            try await browser.type("#totp", try AnyunBinary.run(["totp", "--data", server.dataDirectory.path, "--user", "secadmin"])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            try await browser.click("button[type=submit]")
            let overview = try await browser.pageText(containing: "态势感知")
            XCTAssertTrue(overview.contains("日志审计") && overview.contains("态势感知") && overview.contains("日志检索"), overview)

            // 日志检索: type the query as a person would.
            try await browser.open(server.baseURL.appendingPathComponent("logs"))
            try await browser.type("#q", "src_ip:\(attacker)")
            try await browser.click("form.log-search button[type=submit]")
            let results = try await browser.pageText(containing: "共 5 条")
            XCTAssertTrue(results.contains("共 5 条"), results)
            XCTAssertTrue(results.contains("Failed password for root from \(attacker)"), results)
            XCTAssertTrue(results.contains("时间分布") && results.contains("来源地址"), results)
            let searchURL = try await browser.currentURL
            XCTAssertTrue(searchURL.contains("q=src_ip%3A\(attacker)"), searchURL)
            try await browser.screenshot(to: shots.appendingPathComponent("1-search.png"))

            try await browser.click("a.message-link")
            let event = try await browser.pageText(containing: "事件详情")
            XCTAssertTrue(event.contains("事件详情") && event.contains("原始消息") && event.contains(hostname), event)
            XCTAssertTrue(event.contains("src_ip") && event.contains(attacker), event)
            try await browser.screenshot(to: shots.appendingPathComponent("2-event.png"))

            // A query that does not parse says where.
            try await browser.open(URL(string: "logs?q=src_ip:10.0.0.0/33%20AND%20app:sshd", relativeTo: server.baseURL)!)
            let syntax = try await browser.pageText
            XCTAssertTrue(syntax.contains("查询语法错误"), syntax)
            try await browser.screenshot(to: shots.appendingPathComponent("3-syntax-error.png"))

            // 告警: open the brute-force alert and acknowledge it with a note.
            try await browser.open(server.baseURL.appendingPathComponent("alerts"))
            let list = try await browser.pageText
            XCTAssertTrue(list.contains("src_ip=\(attacker)") && list.contains("新告警"), list)
            try await browser.screenshot(to: shots.appendingPathComponent("4-alerts.png"))
            try await browser.click("a[href=\"/alerts/\(id)\"]")
            try await browser.type("#note", "已在边界防火墙封禁 \(attacker)")
            try await browser.screenshot(to: shots.appendingPathComponent("5-alert-detail.png"))
            try await browser.click("button[value=acknowledge]")
            let acknowledged = try await browser.pageText(containing: "告警已确认")
            XCTAssertTrue(acknowledged.contains("告警已确认") && acknowledged.contains("已确认"), acknowledged)
            try await browser.screenshot(to: shots.appendingPathComponent("6-alert-acknowledged.png"))

            // The alert's own link leads to its events.
            try await browser.click(".page-actions a.button")
            let related = try await browser.pageText(containing: "共 5 条")
            XCTAssertTrue(related.contains("共 5 条"), related)

            // 态势感知.
            try await browser.open(server.baseURL.appendingPathComponent("situation"))
            let situation = try await browser.pageText
            for text in ["日志趋势", "告警趋势", "受攻击最多的业务系统", "失败事件来源 Top", attacker, "静默主机", "日志接收"] {
                XCTAssertTrue(situation.contains(text), "missing \(text)")
            }
            try await browser.screenshot(to: shots.appendingPathComponent("7-situation.png"))
            try await browser.open(URL(string: "situation#silent", relativeTo: server.baseURL)!)
            try await browser.screenshot(to: shots.appendingPathComponent("8-situation-silent-hosts.png"))
        } catch {
            try? await browser.screenshot(to: shots.appendingPathComponent("failure.png"))
            await browser.quit()
            _ = try? await server.terminate()
            throw error
        }
        await browser.quit()

        // The acknowledgement is real and audited.
        let alert = try await unitUser.send("GET", "/api/v1/alerts/\(id)").json as? [String: Any]
        XCTAssertEqual(alert?["state"] as? String, "acknowledged")
        let auditor = try await HTTP(base: server.baseURL).login("auditor", credentials: credentials)
        let trail = try await auditor.send("GET", "/api/v1/audit?action=alert.acknowledge").json as? [String: Any]
        let items = trail?["items"] as? [[String: Any]] ?? []
        XCTAssertTrue(items.contains { ($0["detail"] as? String ?? "").contains("已在边界防火墙封禁") }, "\(items)")
        for name in ["1-search", "2-event", "3-syntax-error", "4-alerts", "5-alert-detail", "6-alert-acknowledged", "7-situation"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: shots.appendingPathComponent("\(name).png").path)[.size] as? Int) ?? 0
            XCTAssertGreaterThan(size, 10_000, "screenshot \(name) was saved")
        }
        let status = try await server.terminate()
        XCTAssertEqual(status, 0)
    }
}
