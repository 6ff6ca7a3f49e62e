import AnyunCore
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// Bad input gets a 4xx problem+json naming the field and why, and stored data stays intact.
final class APIBadInputTests: XCTestCase {
    func testProblemBodiesNameTheFieldAndLeaveDataIntact() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let auth = try await t.login(client, "sec")

            // Invalid credit code and level: 422 naming both fields.
            var r = try await client.execute(uri: "/api/v1/units", method: .post, headers: auth,
                                             body: jsonBody(["name": "市水务局", "creditCode": "11370100MB000000X", "contactName": "李",
                                                             "contactPhone": "0531-1234567"]))
            XCTAssertEqual(r.status, .unprocessableContent)
            XCTAssertEqual(r.headers[.contentType], "application/problem+json; charset=utf-8")
            XCTAssertEqual(r.problemFields, ["creditCode"])

            r = try await client.execute(uri: "/api/v1/systems", method: .post, headers: auth,
                                         body: jsonBody(["unitID": t.unitA.id, "name": "新系统", "level": 5, "securityDomain": "政务外网区",
                                                         "owner": "张伟"]))
            XCTAssertEqual(r.status, .unprocessableContent)
            XCTAssertTrue(r.problemFields.contains("level"), "\(r.problemFields)")

            // Unknown reference.
            r = try await client.execute(uri: "/api/v1/hosts", method: .post, headers: auth,
                                         body: jsonBody(["systemID": 9999, "hostname": "x", "ips": ["10.9.9.9"], "os": "x", "platform": "x"]))
            XCTAssertEqual(r.status, .conflict)
            XCTAssertEqual(r.problemFields, ["systemID"])

            // Duplicate IP within one security domain.
            r = try await client.execute(uri: "/api/v1/hosts", method: .post, headers: auth,
                                         body: jsonBody(["systemID": t.systemA.id, "hostname": "web-a2", "ips": ["10.1.0.10"],
                                                         "os": "Kylin", "platform": "浪潮云"]))
            XCTAssertEqual(r.status, .conflict)
            XCTAssertEqual(r.problemFields, ["ips[0]"])

            // Wrong content type, malformed JSON, wrong field type.
            var textHeaders = auth
            textHeaders[.contentType] = "text/plain"
            r = try await client.execute(uri: "/api/v1/units", method: .post, headers: textHeaders, body: ByteBuffer(string: "{}"))
            XCTAssertEqual(r.status, .unsupportedMediaType)
            XCTAssertEqual(r.problemFields, ["Content-Type"])
            r = try await client.execute(uri: "/api/v1/units", method: .post, headers: auth, body: ByteBuffer(string: "{\"name\": "))
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertEqual(r.problemFields, ["body"])
            r = try await client.execute(uri: "/api/v1/systems", method: .post, headers: auth,
                                         body: ByteBuffer(string: "{\"unitID\": \"one\"}"))
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertEqual(r.problemFields, ["unitID"])

            // Over 1 MiB.
            let huge = "{\"name\": \"" + String(repeating: "a", count: (1 << 20) + 10) + "\"}"
            r = try await client.execute(uri: "/api/v1/units", method: .post, headers: auth, body: ByteBuffer(string: huge))
            XCTAssertEqual(r.status, .contentTooLarge)

            // Bad path and query parameters.
            r = try await client.execute(uri: "/api/v1/hosts/abc", method: .get, headers: auth)
            XCTAssertEqual(r.status, .badRequest)
            r = try await client.execute(uri: "/api/v1/hosts?limit=ten", method: .get, headers: auth)
            XCTAssertEqual(r.problemFields, ["limit"])

            // SQL metacharacters in filters match literally and hurt nothing.
            for q in ["' OR 1=1 --", "%", "_", "\"; DROP TABLE host; --"] {
                let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                r = try await client.execute(uri: "/api/v1/hosts?q=\(encoded)", method: .get, headers: auth)
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.json["total"]?.int, 0, "filter \(q) must match literally")
            }
            r = try await client.execute(uri: "/api/v1/hosts", method: .get, headers: auth)
            XCTAssertEqual(r.json["total"]?.int, 2, "nothing was stored or lost by the bad requests")
            r = try await client.execute(uri: "/api/v1/units", method: .get, headers: auth)
            XCTAssertEqual(r.json["total"]?.int, 2)
        }
    }

    func testConcurrentEditsTheSecondGets409AndNothingIsLost() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let auth = try await t.login(client, "sec")
            func edit(_ os: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/hosts/\(t.hostA.id)", method: .put, headers: auth,
                                         body: jsonBody(["systemID": t.systemA.id, "hostname": "web-a", "ips": ["10.1.0.10"],
                                                         "os": os, "platform": "浪潮云", "version": t.hostA.version]))
            }
            let first = try await edit("Kylin V10 SP3")
            XCTAssertEqual(first.status, .ok)
            XCTAssertEqual(first.json["version"]?.int, t.hostA.version + 1)
            let second = try await edit("UOS 20")
            XCTAssertEqual(second.status, .conflict)
            XCTAssertEqual(second.problemFields, ["version"])
            let now = try await client.execute(uri: "/api/v1/hosts/\(t.hostA.id)", method: .get, headers: auth)
            XCTAssertEqual(now.json["os"]?.string, "Kylin V10 SP3", "the first edit survives")

            // An update without any version is refused before it can overwrite anything.
            let unversioned = try await client.execute(uri: "/api/v1/hosts/\(t.hostA.id)", method: .put, headers: auth,
                                                       body: jsonBody(["systemID": t.systemA.id, "hostname": "web-a", "ips": ["10.1.0.10"],
                                                                       "os": "X", "platform": "浪潮云"]))
            XCTAssertEqual(unversioned.status, .preconditionRequired)
            // If-Match works as the version too.
            var ifMatch = auth
            ifMatch[.ifMatch] = "\"\(t.hostA.version + 1)\""
            let viaHeader = try await client.execute(uri: "/api/v1/hosts/\(t.hostA.id)", method: .put, headers: ifMatch,
                                                     body: jsonBody(["systemID": t.systemA.id, "hostname": "web-a", "ips": ["10.1.0.10"],
                                                                     "os": "openEuler", "platform": "浪潮云"]))
            XCTAssertEqual(viaHeader.status, .ok)
        }
    }
}
