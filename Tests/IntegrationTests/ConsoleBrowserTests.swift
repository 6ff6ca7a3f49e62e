import Foundation
import XCTest

/// Drives the console in a real headless Chromium: a unit administrator files a service
/// application, the security administrator logs in with TOTP and approves it. Screenshots of
/// every step go to `.build/test-output/ConsoleBrowserTests/`.
final class ConsoleBrowserTests: XCTestCase {
    func testApplicationApprovalFlowInABrowser() async throws {
        let server = try ServerProcess(arguments: ["--demo"])
        try await server.waitUntilReady()
        let credentials = server.dataDirectory.appendingPathComponent("demo-credentials.json")
        let accounts = try JSONSerialization.jsonObject(with: Data(contentsOf: credentials)) as! [[String: Any]]
        func password(_ user: String) -> String { accounts.first { $0["username"] as? String == user }!["password"] as! String }
        let shots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/test-output/ConsoleBrowserTests")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

        let browser = try await WebDriver()
        do {
            // A unit administrator (no second factor) files an application for the unit's portal.
            try await browser.open(server.baseURL.appendingPathComponent("login"))
            try await browser.screenshot(to: shots.appendingPathComponent("1-login.png"))
            try await browser.type("#username", "unit01")
            try await browser.type("#password", password("unit01"))
            try await browser.click("button[type=submit]")
            let overview = try await browser.pageText
            XCTAssertTrue(overview.contains("市公安局"), overview)
            XCTAssertFalse(overview.contains("市卫生健康委员会"), "a unit user's pages show no other unit")
            try await browser.screenshot(to: shots.appendingPathComponent("2-unit-overview.png"))

            try await browser.open(server.baseURL.appendingPathComponent("applications/new"))
            try await browser.click("#service option[value=vuln-scan]")
            try await browser.click("input[name=systemIDs]")
            try await browser.type("#purpose", "浏览器测试：申请漏洞扫描服务")
            try await browser.screenshot(to: shots.appendingPathComponent("3-application-form.png"))
            try await browser.click("button[type=submit].primary")
            let filed = try await browser.pageText
            XCTAssertTrue(filed.contains("待审批"), filed)
            let applicationURL = try await browser.currentURL
            XCTAssertTrue(applicationURL.contains("/applications/"), applicationURL)
            try await browser.screenshot(to: shots.appendingPathComponent("4-application-filed.png"))
            try await browser.click("form[action=\"/logout\"] button")

            // The security administrator logs in with a TOTP code and approves it.
            try await browser.open(server.baseURL.appendingPathComponent("login"))
            try await browser.type("#username", "secadmin")
            try await browser.type("#password", password("secadmin"))
            try await browser.type("#totp", try AnyunBinary.run(["totp", "--data", server.dataDirectory.path, "--user", "secadmin"])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            try await browser.click("button[type=submit]")
            let adminOverview = try await browser.pageText
            XCTAssertTrue(adminOverview.contains("待审批申请"), adminOverview)
            try await browser.screenshot(to: shots.appendingPathComponent("5-admin-overview.png"))

            try await browser.open(URL(string: applicationURL)!)
            try await browser.type("#note", "同意，按等保要求开通")
            try await browser.click("button[value=approve]")
            let approved = try await browser.pageText
            XCTAssertTrue(approved.contains("已批准"), approved)
            XCTAssertTrue(approved.contains("同意，按等保要求开通"), approved)
            try await browser.screenshot(to: shots.appendingPathComponent("6-approved.png"))
        } catch {
            try? await browser.screenshot(to: shots.appendingPathComponent("failure.png"))
            await browser.quit()
            throw error
        }
        await browser.quit()

        // The approval is real: the API shows the subscription it created.
        let api = try await HTTP(base: server.baseURL).login("auditor", credentials: credentials)
        let trail = try await api.send("GET", "/api/v1/audit?action=application.approve")
        let items = (trail.json as? [String: Any])?["items"] as? [[String: Any]] ?? []
        XCTAssertTrue(items.contains { ($0["detail"] as? String ?? $0["after"] as? String ?? "").contains("同意，按等保要求开通") },
                      "the approval is in the audit trail")
        for name in ["1-login", "2-unit-overview", "3-application-form", "4-application-filed", "5-admin-overview", "6-approved"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: shots.appendingPathComponent("\(name).png").path)[.size] as? Int) ?? 0
            XCTAssertGreaterThan(size, 10_000, "screenshot \(name) was saved")
        }
        _ = try await server.terminate()
    }
}
