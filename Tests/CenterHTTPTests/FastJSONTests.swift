import AnyunCore
@testable import CenterHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// The hand-written JSON of hot listings must be exactly what JSONEncoder would say.
final class FastJSONTests: XCTestCase {
    func testFastJSONMatchesJSONEncoder() throws {
        let tricky = ["plain", "引号\"与\\反斜杠", "line\nbreak\ttab\r", "\u{01}\u{1F}ctl", "emoji 🛡️", ""]
        var hosts: [CloudHost] = []
        for (i, text) in tricky.enumerated() {
            hosts.append(CloudHost(id: Int64(i + 1), unitID: 7, systemID: Int64(100 + i), hostname: "h\(i)", ips: [text, "10.0.0.\(i)"],
                                   os: text, platform: "浪潮云", securityDomain: text, state: HostState.allCases[i % 4],
                                   version: i, createdAt: Date(timeIntervalSince1970: Double(i) * 86_399.9 + 1_700_000_000.7),
                                   updatedAt: Date(timeIntervalSince1970: 951_782_400)))
        }
        let page = Page(items: hosts, total: 1234)
        try assertSameJSON(page)
        try assertSameJSON(Page(items: [GovUnit(id: 1, name: tricky[1], creditCode: "11370100MB0000001X", contactName: tricky[2],
                                                contactPhone: "0531", contactEmail: "", version: 3,
                                                createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date())], total: 1))
        try assertSameJSON(Page(items: [BusinessSystem(id: 9, unitID: 1, name: tricky[3], level: 3, filingNumber: "37010099001-20001",
                                                       securityDomain: "互联网区", owner: tricky[4], ownerPhone: "", version: 1,
                                                       createdAt: Date(timeIntervalSince1970: 4_102_444_799), updatedAt: Date())], total: 0))
        try assertSameJSON(Page<CloudHost>(items: [], total: 0))
    }

    private func assertSameJSON<T: Encodable & FastJSONEncodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        var buffer = JSONBuffer()
        value.write(to: &buffer)
        let fast = try JSONSerialization.jsonObject(with: Data(buffer.bytes)) as? NSDictionary
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let reference = try JSONSerialization.jsonObject(with: encoder.encode(value)) as? NSDictionary
        XCTAssertNotNil(fast, "fast JSON does not parse: \(String(decoding: buffer.bytes, as: UTF8.self))", file: file, line: line)
        XCTAssertEqual(fast, reference, file: file, line: line)
    }

    /// Cached listings change as soon as the registry does, and never cross tenants.
    func testListingCacheFollowsWritesAndScopes() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let sec = try await t.login(client, "sec")
            let unit = try await t.login(client, "unitadmin")
            var r = try await client.execute(uri: "/api/v1/hosts?limit=10", method: .get, headers: sec)
            XCTAssertEqual(r.json["total"]?.int, 2)
            r = try await client.execute(uri: "/api/v1/hosts?limit=10", method: .get, headers: unit)
            XCTAssertEqual(r.json["total"]?.int, 1, "the same URL answers a unit user with their unit only")
            r = try await client.execute(uri: "/api/v1/hosts", method: .post, headers: sec,
                                         body: jsonBody(["systemID": t.systemA.id, "hostname": "web-a9", "ips": ["10.1.0.90"],
                                                         "os": "Kylin", "platform": "浪潮云"]))
            XCTAssertEqual(r.status, .created)
            r = try await client.execute(uri: "/api/v1/hosts?limit=10", method: .get, headers: sec)
            XCTAssertEqual(r.json["total"]?.int, 3)
            r = try await client.execute(uri: "/api/v1/hosts?limit=10", method: .get, headers: unit)
            XCTAssertEqual(r.json["total"]?.int, 2)
            let reader = try await t.login(client, "unitreader")
            r = try await client.execute(uri: "/api/v1/tokens", method: .get, headers: reader)
            XCTAssertEqual(r.status, .forbidden)
        }
    }
}
