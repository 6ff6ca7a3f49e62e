import AnyunCore
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

final class APIImportAndBillingTests: XCTestCase {
    /// GBK from Excel, all-or-nothing, every bad row reported with its line.
    func testHostImportThroughTheAPI() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            var csvHeaders = try await t.login(client, "sec")
            csvHeaders[.contentType] = "text/csv"
            let good = """
            单位,业务系统,主机名,IP地址,操作系统,云平台,安全域,状态
            市公安局,门户网站,web-a3,10.1.0.30;10.1.0.31,麒麟 V10,浪潮云,,运行中
            市教育局,门户网站,web-b3,10.2.0.30,统信 UOS,华为云,,维护中
            """
            var r = try await client.execute(uri: "/api/v1/hosts/import", method: .post, headers: csvHeaders,
                                             body: ByteBuffer(bytes: try Self.gbk(good)))
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            XCTAssertEqual(r.json["created"]?.int, 2)

            let bad = """
            单位,业务系统,主机名,IP地址,操作系统,云平台
            市公安局,门户网站,web-a4,10.1.0.40,麒麟 V10,浪潮云
            市公安局,不存在的系统,web-a5,10.1.0.50,麒麟 V10,浪潮云
            市公安局,门户网站,web-a6,10.1.0.40,麒麟 V10,浪潮云
            市公安局,门户网站,web-a7,999.1.1.1,麒麟 V10,浪潮云
            """
            r = try await client.execute(uri: "/api/v1/hosts/import", method: .post, headers: csvHeaders,
                                         body: ByteBuffer(bytes: Array("\u{FEFF}\(bad)".utf8)))
            XCTAssertEqual(r.status, .unprocessableContent)
            let lines = r.json["invalid_params"]?.array?.compactMap { $0["line"]?.int } ?? []
            XCTAssertEqual(lines, [3, 4, 5])
            r = try await client.execute(uri: "/api/v1/hosts?q=web-a4", method: .get, headers: csvHeaders)
            XCTAssertEqual(r.json["total"]?.int, 0, "the good row of a rejected file was not written")

            r = try await client.execute(uri: "/api/v1/hosts/export", method: .get, headers: csvHeaders)
            XCTAssertEqual(r.headers[.contentType], "text/csv; charset=utf-8")
            let text = String(buffer: r.body)
            XCTAssertTrue(text.hasPrefix("\u{FEFF}单位,业务系统,主机名"))
            XCTAssertTrue(text.contains("市公安局,门户网站,web-a3,10.1.0.30;10.1.0.31"))
            XCTAssertEqual(text.split(separator: "\r\n").count, 5, "header and four hosts")
        }
    }

    func testApplicationApprovalStartsBillingAndStatementsExport() async throws {
        let t = try await TestCentre.make()
        try await t.app().test(.router) { client in
            let ua = try await t.login(client, "unitadmin")
            let sec = try await t.login(client, "sec")
            let today = Day(secondsSince1970: Date().timeIntervalSince1970)
            var r = try await client.execute(uri: "/api/v1/applications", method: .post, headers: ua,
                                             body: jsonBody(["service": "host-security", "systemIDs": [t.systemA.id],
                                                             "startDay": today.description, "purpose": "等保整改"]))
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            XCTAssertEqual(r.json["unitID"]?.int, Int(t.unitA.id), "a unit user's application is for their own unit")
            let id = r.json["id"]?.int ?? 0
            r = try await client.execute(uri: "/api/v1/applications/\(id)/approve", method: .post, headers: ua,
                                         body: jsonBody(["version": 1]))
            XCTAssertEqual(r.status, .forbidden, "a unit cannot approve its own application")
            r = try await client.execute(uri: "/api/v1/applications/\(id)/reject", method: .post, headers: sec,
                                         body: jsonBody(["version": 1]))
            XCTAssertEqual(r.problemFields, ["note"], "a rejection needs a reason")
            r = try await client.execute(uri: "/api/v1/applications/\(id)/approve", method: .post, headers: sec,
                                         body: jsonBody(["version": 1, "note": "同意"]))
            XCTAssertEqual(r.json["status"]?.string, "approved")
            r = try await client.execute(uri: "/api/v1/applications/\(id)/approve", method: .post, headers: sec,
                                         body: jsonBody(["version": 2, "note": "again"]))
            XCTAssertEqual(r.status, .conflict)

            _ = try await t.center.billing.meterThroughToday()
            r = try await client.execute(uri: "/api/v1/statements/\(t.unitA.id)/\(today.monthOf)", method: .get, headers: ua)
            XCTAssertEqual(r.status, .ok)
            let price = 12_000, days = today.monthOf.dayCount
            XCTAssertEqual(r.json["lines"]?[0]?["amount"]?.int, (price * 2 + days) / (2 * days), "one host for one day, prorated")
            r = try await client.execute(uri: "/api/v1/statements/\(t.unitA.id)/\(today.monthOf).csv", method: .get, headers: ua)
            XCTAssertTrue(String(buffer: r.body).contains("主机安全,台·月,120.00,1,1,"))
            r = try await client.execute(uri: "/api/v1/billing/close", method: .post, headers: sec,
                                         body: jsonBody(["month": today.monthOf.description]))
            XCTAssertEqual(r.problemFields, ["month"], "the current month cannot be closed")
        }
    }

    private static func gbk(_ text: String) throws -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        p.arguments = ["-f", "UTF-8", "-t", "GBK"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertNil(String(data: data, encoding: .utf8), "the fixture really is not UTF-8")
        return Array(data)
    }
}
