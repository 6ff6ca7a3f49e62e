import AnyunCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The server-rendered console as a browser uses it: cookie session, CSRF tokens, HTML pages.
final class ConsoleTests: XCTestCase {
    func testLoginSetsTheSessionCookieAndPagesNeedIt() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            var r = try await client.execute(uri: "/hosts?q=web", method: .get)
            XCTAssertEqual(r.status, .seeOther)
            XCTAssertEqual(r.headers[.location], "/login?next=%2Fhosts%3Fq%3Dweb", "the page asked for is remembered")

            r = try await client.execute(uri: "/login", method: .post, headers: Browser.formHeaders,
                                         body: Browser.form(["username": "sec", "password": "Wrong#Password1"]))
            XCTAssertEqual(r.status, .unauthorized)
            XCTAssertTrue(r.html.contains("用户名或密码错误"), r.html)
            r = try await client.execute(uri: "/login", method: .post, headers: Browser.formHeaders,
                                         body: Browser.form(["username": "sec", "password": TestCentre.password]))
            XCTAssertEqual(r.status, .unauthorized)
            XCTAssertTrue(r.html.contains("需要动态口令"), "an administrator needs the second factor")

            r = try await client.execute(uri: "/login", method: .post, headers: Browser.formHeaders,
                                         body: Browser.form(["username": "sec", "password": TestCentre.password,
                                                     "totp": TestCentre.code(t.accounts["sec"]!.totp!), "next": "//evil.example/"]))
            XCTAssertEqual(r.status, .seeOther)
            XCTAssertEqual(r.headers[.location], "/", "a target off this site is ignored")
            let cookie = r.headers[.setCookie] ?? ""
            XCTAssertTrue(cookie.hasPrefix("anyun_session=ays_"), cookie)
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] { XCTAssertTrue(cookie.contains(attribute), cookie) }
            XCTAssertFalse(cookie.contains("Secure"), "not over plain HTTP unless configured")

            r = try await client.execute(uri: "/", method: .get, headers: Browser.session(cookie))
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertTrue(r.html.contains("总览") && r.html.contains("本月费用"))
            // The API accepts the same cookie, so the console can link to its CSV exports.
            r = try await client.execute(uri: "/api/v1/hosts/export", method: .get, headers: Browser.session(cookie))
            XCTAssertEqual(r.status, .ok)
        }
    }

    func testEveryPostNeedsTheSessionsCSRFToken() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let cookie = try await Browser.consoleLogin(client, t, "unitadmin")
            var r = try await client.execute(uri: "/logout", method: .post, headers: Browser.session(cookie, form: true), body: Browser.form([:]))
            XCTAssertEqual(r.status, .forbidden)
            r = try await client.execute(uri: "/logout", method: .post, headers: Browser.session(cookie, form: true),
                                         body: Browser.form(["csrf": String(repeating: "0", count: 64)]))
            XCTAssertEqual(r.status, .forbidden)
            let token = try await Browser.csrf(client, cookie)
            r = try await client.execute(uri: "/logout", method: .post, headers: Browser.session(cookie, form: true), body: Browser.form(["csrf": token]))
            XCTAssertEqual(r.status, .seeOther)
            XCTAssertTrue((r.headers[.setCookie] ?? "").contains("Max-Age=0"), "the cookie is cleared")
            r = try await client.execute(uri: "/", method: .get, headers: Browser.session(cookie))
            XCTAssertEqual(r.status, .seeOther, "the session is over on the server too")
        }
    }

    func testUnitUsersPagesShowOnlyTheirUnit() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let cookie = try await Browser.consoleLogin(client, t, "unitadmin")
            var r = try await client.execute(uri: "/hosts", method: .get, headers: Browser.session(cookie))
            XCTAssertTrue(r.html.contains("web-a"))
            XCTAssertFalse(r.html.contains("web-b"))
            XCTAssertFalse(r.html.contains("市教育局"), "not even in a filter menu")
            r = try await client.execute(uri: "/hosts?unitID=\(t.unitB.id)", method: .get, headers: Browser.session(cookie))
            XCTAssertFalse(r.html.contains("web-b"))
            for uri in ["/units/\(t.unitB.id)", "/systems/\(t.systemB.id)", "/hosts/\(t.hostB.id)", "/statements?unitID=\(t.unitB.id)"] {
                r = try await client.execute(uri: uri, method: .get, headers: Browser.session(cookie))
                XCTAssertEqual(r.status, .notFound, uri)
                XCTAssertTrue(r.html.contains("页面不存在"), "a page in the layout, not JSON: \(uri)")
            }
            r = try await client.execute(uri: "/", method: .get, headers: Browser.session(cookie))
            XCTAssertFalse(r.html.contains("href=\"/users\"") || r.html.contains("href=\"/audit\""), "no entries the role cannot use")
            r = try await client.execute(uri: "/audit", method: .get, headers: Browser.session(cookie))
            XCTAssertEqual(r.status, .forbidden)
            XCTAssertTrue(r.html.contains("无权访问"))
        }
    }

    func testApplicationFiledInTheFormAndApproved() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let unit = try await Browser.consoleLogin(client, t, "unitadmin")
            let unitCSRF = try await Browser.csrf(client, unit)
            var r = try await client.execute(uri: "/applications", method: .post, headers: Browser.session(unit, form: true),
                                             body: Browser.form(["csrf": unitCSRF, "service": "vuln-scan", "startDay": "2026-01-01", "purpose": ""]))
            XCTAssertEqual(r.status, .unprocessableContent)
            XCTAssertTrue(r.html.contains("请选择至少一个业务系统"), "the field errors are shown next to the form")
            r = try await client.execute(uri: "/applications", method: .post, headers: Browser.session(unit, form: true),
                                         body: Browser.form(["csrf": unitCSRF, "service": "vuln-scan", "systemIDs": String(t.systemA.id),
                                                     "startDay": "2026-01-01", "purpose": "扫描 <script>alert(1)</script>"]))
            XCTAssertEqual(r.status, .seeOther)
            let location = r.headers[.location] ?? ""
            XCTAssertTrue(location.hasPrefix("/applications/"), location)
            let path = String(location.prefix { $0 != "?" })

            let sec = try await Browser.consoleLogin(client, t, "sec")
            r = try await client.execute(uri: path, method: .get, headers: Browser.session(sec))
            XCTAssertTrue(r.html.contains("&lt;script&gt;") && !r.html.contains("<script>"), "user text is escaped")
            let version = try XCTUnwrap(r.html.value(after: "name=\"version\" value=\""))
            let secCSRF = try XCTUnwrap(r.html.value(after: "name=\"csrf\" value=\""))
            r = try await client.execute(uri: path + "/decide", method: .post, headers: Browser.session(sec, form: true),
                                         body: Browser.form(["csrf": secCSRF, "decision": "reject", "note": "", "version": version]))
            XCTAssertEqual(r.status, .unprocessableContent, "a rejection needs a reason")
            r = try await client.execute(uri: path + "/decide", method: .post, headers: Browser.session(unit, form: true),
                                         body: Browser.form(["csrf": unitCSRF, "decision": "approve", "note": "", "version": version]))
            XCTAssertEqual(r.status, .forbidden, "a unit does not approve its own application")
            r = try await client.execute(uri: path + "/decide", method: .post, headers: Browser.session(sec, form: true),
                                         body: Browser.form(["csrf": secCSRF, "decision": "approve", "note": "同意", "version": version]))
            XCTAssertEqual(r.status, .seeOther)
            r = try await client.execute(uri: path, method: .get, headers: Browser.session(unit))
            XCTAssertTrue(r.html.contains("已批准"))
        }
    }

    func testUnknownPagesAreHTMLButTheAPIStaysJSON() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            var r = try await client.execute(uri: "/no-such-page", method: .get)
            XCTAssertEqual(r.status, .notFound)
            XCTAssertEqual(r.headers[.contentType], "text/html; charset=utf-8")
            r = try await client.execute(uri: "/api/v1/no-such-thing", method: .get)
            XCTAssertEqual(r.status, .notFound)
            XCTAssertEqual(r.headers[.contentType], "application/problem+json; charset=utf-8")
            r = try await client.execute(uri: "/static/console.css", method: .get)
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.headers[.contentType], "text/css; charset=utf-8")
        }
    }

    func testAuditAdministratorVerifiesTheTrail() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let cookie = try await Browser.consoleLogin(client, t, "aud")
            var r = try await client.execute(uri: "/audit?action=auth.login", method: .get, headers: Browser.session(cookie))
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(r.html.contains("auth.login"))
            r = try await client.execute(uri: "/audit/verify", method: .post, headers: Browser.session(cookie, form: true),
                                         body: Browser.form(["csrf": try await Browser.csrf(client, cookie)]))
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(r.html.contains("审计链完整"), r.html)
        }
    }
}

/// What a browser does: form bodies, the session cookie, the CSRF token from a page.
enum Browser {
    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func form(_ fields: [String: String]) -> ByteBuffer {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return ByteBuffer(string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&"))
    }

    /// Headers a browser sends with the session cookie (taken from a `Set-Cookie` value).
    static func session(_ setCookie: String, form: Bool = false) -> HTTPFields {
        var headers: HTTPFields = [.cookie: String(setCookie.prefix { $0 != ";" })]
        if form { headers[.contentType] = "application/x-www-form-urlencoded" }
        return headers
    }

    static func consoleLogin(_ client: some TestClientProtocol, _ t: TestCentre, _ username: String) async throws -> String {
        let account = t.accounts[username]!
        var fields = ["username": username, "password": account.password]
        if let secret = account.totp { fields["totp"] = TestCentre.code(secret) }
        let r = try await client.execute(uri: "/login", method: .post, headers: Self.formHeaders, body: Self.form(fields))
        XCTAssertEqual(r.status, .seeOther, r.html)
        return try XCTUnwrap(r.headers[.setCookie])
    }

    /// The CSRF token the console puts into its forms for this session.
    static func csrf(_ client: some TestClientProtocol, _ cookie: String) async throws -> String {
        let r = try await client.execute(uri: "/", method: .get, headers: Self.session(cookie))
        return try XCTUnwrap(r.html.value(after: "name=\"csrf\" value=\""))
    }
}

extension TestResponse {
    var html: String { String(buffer: body) }
}

extension String {
    /// The attribute value that follows `marker`, up to the closing quote.
    func value(after marker: String) -> String? {
        guard let start = range(of: marker)?.upperBound else { return nil }
        return String(self[start...].prefix { $0 != "\"" })
    }
}
