import AnyunCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// Authentication, roles and unit isolation as seen through the API.
final class APIAccessTests: XCTestCase {
    func testLoginAndBearerTokens() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            var r = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(r.status, .ok)
            r = try await client.execute(uri: "/api/v1/hosts", method: .get)
            XCTAssertEqual(r.status, .unauthorized)
            XCTAssertEqual(r.headers[.wwwAuthenticate], "Bearer realm=\"anyun\"")
            r = try await client.execute(uri: "/api/v1/hosts", method: .get, headers: [.authorization: "Bearer ays_forged"])
            XCTAssertEqual(r.status, .unauthorized)

            // An administrator without a TOTP code is refused, and the reply does not say whether the password was right.
            r = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                         body: jsonBody(["username": "sec", "password": TestCentre.password]))
            XCTAssertEqual(r.status, .unauthorized)
            r = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                         body: jsonBody(["username": "nobody", "password": "x"]))
            XCTAssertEqual(r.status, .unauthorized)
            r = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                         body: jsonBody(["username": "", "password": ""]))
            XCTAssertEqual(Set(r.problemFields), ["username", "password"])

            let auth = try await t.login(client, "sec")
            r = try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: auth)
            XCTAssertEqual(r.json["role"]?.string, "security-admin")
            r = try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: auth)
            XCTAssertEqual(r.status, .noContent)
            r = try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: auth)
            XCTAssertEqual(r.status, .unauthorized, "a logged-out token is dead")
        }
    }

    func testLockoutAfterFiveFailures() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            for _ in 0..<4 {
                let r = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                 body: jsonBody(["username": "unitadmin", "password": "Wrong#Password1"]))
                XCTAssertEqual(r.status, .unauthorized)
            }
            var r = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                             body: jsonBody(["username": "unitadmin", "password": "Wrong#Password1"]))
            XCTAssertEqual(r.status.code, 423)
            XCTAssertNotNil(r.headers[HTTPField.Name("Retry-After")!])
            r = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                         body: jsonBody(["username": "unitadmin", "password": TestCentre.password]))
            XCTAssertEqual(r.status.code, 423, "the right password does not open a locked account")
        }
    }

    func testUnitUsersSeeOnlyTheirOwnUnitWhateverTheyRequest() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let auth = try await t.login(client, "unitadmin")
            var r = try await client.execute(uri: "/api/v1/hosts", method: .get, headers: auth)
            XCTAssertEqual(r.json["total"]?.int, 1)
            XCTAssertEqual(r.json["items"]?[0]?["hostname"]?.string, "web-a")
            r = try await client.execute(uri: "/api/v1/hosts?unitID=\(t.unitB.id)", method: .get, headers: auth)
            XCTAssertEqual(r.json["total"]?.int, 0)
            for uri in ["/api/v1/hosts/\(t.hostB.id)", "/api/v1/systems/\(t.systemB.id)", "/api/v1/units/\(t.unitB.id)",
                        "/api/v1/statements/\(t.unitB.id)/2026-01"] {
                r = try await client.execute(uri: uri, method: .get, headers: auth)
                XCTAssertEqual(r.status, .notFound, uri)
            }
            r = try await client.execute(uri: "/api/v1/units", method: .get, headers: auth)
            XCTAssertEqual(r.json["total"]?.int, 1)
            // Writing into another unit is refused and changes nothing.
            r = try await client.execute(uri: "/api/v1/hosts", method: .post, headers: auth,
                                         body: jsonBody(["systemID": t.systemB.id, "hostname": "intruder", "ips": ["10.2.0.99"],
                                                         "os": "x", "platform": "x"]))
            XCTAssertEqual(r.status, .conflict)
            r = try await client.execute(uri: "/api/v1/hosts/\(t.hostB.id)", method: .put, headers: auth,
                                         body: jsonBody(["systemID": t.systemB.id, "hostname": "web-b", "ips": ["10.2.0.10"],
                                                         "os": "x", "platform": "x", "version": 1]))
            XCTAssertEqual(r.status, .notFound)
            // The read-only unit role reads but cannot write.
            let ro = try await t.login(client, "unitreader")
            r = try await client.execute(uri: "/api/v1/hosts", method: .post, headers: ro,
                                         body: jsonBody(["systemID": t.systemA.id, "hostname": "x", "ips": ["10.1.0.99"], "os": "x", "platform": "x"]))
            XCTAssertEqual(r.status, .forbidden)
        }
    }

    func testSeparationOfDuties() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let sys = try await t.login(client, "sys")
            let aud = try await t.login(client, "aud")
            let sec = try await t.login(client, "sec")
            var r = try await client.execute(uri: "/api/v1/audit", method: .get, headers: sys)
            XCTAssertEqual(r.status, .forbidden, "the system administrator does not read the audit trail")
            r = try await client.execute(uri: "/api/v1/audit", method: .get, headers: aud)
            XCTAssertEqual(r.status, .ok)
            XCTAssertGreaterThan(r.json["total"]?.int ?? 0, 5)
            r = try await client.execute(uri: "/api/v1/audit/verify", method: .get, headers: aud)
            XCTAssertEqual(r.json["intact"], .bool(true))
            r = try await client.execute(uri: "/api/v1/units", method: .post, headers: aud,
                                         body: jsonBody(["name": "x", "creditCode": "x", "contactName": "x", "contactPhone": "x"]))
            XCTAssertEqual(r.status, .forbidden, "the audit administrator changes nothing")
            r = try await client.execute(uri: "/api/v1/users", method: .post, headers: sec,
                                         body: jsonBody(["username": "newbie", "displayName": "n", "role": "unit-admin",
                                                         "unitID": t.unitA.id, "password": TestCentre.password]))
            XCTAssertEqual(r.status, .forbidden, "the security administrator does not manage users")
            r = try await client.execute(uri: "/api/v1/users", method: .post, headers: sys,
                                         body: jsonBody(["username": "twohats", "displayName": "n", "role": "security-admin,audit-admin",
                                                         "password": TestCentre.password]))
            XCTAssertEqual(r.problemFields, ["role"], "one account, one administrator role")
            r = try await client.execute(uri: "/api/v1/users", method: .post, headers: sys,
                                         body: jsonBody(["username": "newsec", "displayName": "n", "role": "security-admin",
                                                         "password": TestCentre.password]))
            XCTAssertEqual(r.status, .created)
            XCTAssertNotNil(r.json["totp"]?["secret"]?.string, "administrators get a second factor at creation")
        }
    }

    func testScopedMachineTokenReportsStorageAndNothingElse() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let sec = try await t.login(client, "sec")
            var r = try await client.execute(uri: "/api/v1/tokens", method: .post, headers: sec,
                                             body: jsonBody(["name": "backup-engine", "scopes": ["usage:write"]]))
            XCTAssertEqual(r.status, .created)
            let token = r.json["token"]?.string ?? ""
            let id = r.json["info"]?["id"]?.int ?? 0
            let machine: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let today = Day(secondsSince1970: Date().timeIntervalSince1970).description
            r = try await client.execute(uri: "/api/v1/usage/storage", method: .post, headers: machine,
                                         body: jsonBody(["unitID": t.unitA.id, "service": "local-backup", "day": today, "bytes": 5 << 30]))
            XCTAssertEqual(r.status, .accepted)
            r = try await client.execute(uri: "/api/v1/hosts", method: .get, headers: machine)
            XCTAssertEqual(r.status, .forbidden, "a usage token cannot read the registry")
            r = try await client.execute(uri: "/api/v1/usage/storage", method: .post, headers: machine,
                                         body: jsonBody(["unitID": t.unitA.id, "service": "waf", "day": today, "bytes": 1]))
            XCTAssertEqual(r.problemFields, ["service"])
            r = try await client.execute(uri: "/api/v1/tokens/\(id)", method: .delete, headers: sec)
            XCTAssertEqual(r.status, .noContent)
            r = try await client.execute(uri: "/api/v1/usage/storage", method: .post, headers: machine,
                                         body: jsonBody(["unitID": t.unitA.id, "service": "local-backup", "day": today, "bytes": 1]))
            XCTAssertEqual(r.status, .unauthorized, "a revoked token stops working at once")
        }
    }
}
