import AnyunCore
import AnyunStore
import Center
import Foundation
import XCTest

final class HostImportTests: XCTestCase {
    static let header = "单位,业务系统,主机名,IP地址,操作系统,云平台,安全域,状态"

    func testThreeGoodAndTwoBadRowsImportNothingAndReportBothBadRows() async throws {
        let s = try await Scene(Harness(testCase: self))
        let before = try await s.h.hostCount()
        let head = try await s.h.auditHead()
        let csv = """
        \(Self.header)
        市公安局,门户网站,app-1,10.1.0.21,麒麟 V10,浪潮云,,运行中
        市公安局,不存在的系统,app-2,10.1.0.22,麒麟 V10,浪潮云,,运行中
        市公安局,门户网站,app-3,10.1.0.23,麒麟 V10,浪潮云,,运行中
        市教育局,门户网站,app-4,10.2.0.24,统信 UOS,华为云,,维护中
        市公安局,门户网站,app-5,10.1.0.21,麒麟 V10,浪潮云,,运行中
        """
        guard let error = await centerError({ try await s.h.center.registry.importHosts(csv: Array(csv.utf8), by: s.sec.principal) }) else { return }
        guard case .importRejected(let rows) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(rows.map(\.line), [3, 6])
        XCTAssertEqual(rows.map(\.field), ["system", "ips[0]"])
        XCTAssertTrue(rows[1].reason.contains("app-1"), "names the row that already holds the address: \(rows[1].reason)")
        let after = try await s.h.hostCount()
        XCTAssertEqual(after, before, "all or nothing")
        let headAfter = try await s.h.auditHead()
        XCTAssertEqual(headAfter, head)
    }

    func testEveryKindOfBadRowIsReportedWithItsLine() async throws {
        let s = try await Scene(Harness(testCase: self))
        let csv = """
        \(Self.header)
        市公安局,门户网站,ok,10.1.0.30,麒麟 V10,浪潮云,,
        不存在的单位,门户网站,x1,10.1.0.31,麒麟 V10,浪潮云,,
        市公安局,门户网站,x2,10.1.0.256,麒麟 V10,浪潮云,,
        市公安局,门户网站,x 3,10.1.0.33,麒麟 V10,浪潮云,,
        市公安局,门户网站,x4,10.1.0.34,,浪潮云,,
        市公安局,门户网站,x5,10.1.0.35,麒麟 V10,浪潮云,,running
        市公安局,门户网站,x6,10.2.0.10,麒麟 V10,浪潮云,,
        """
        guard let error = await centerError({ try await s.h.center.registry.importHosts(csv: Array(csv.utf8), by: s.sec.principal) }) else { return }
        guard case .importRejected(let rows) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(rows.map(\.line), [3, 4, 5, 6, 7, 8])
        XCTAssertEqual(rows.map(\.field), ["unit", "ips[0]", "hostname", "os", "state", "ips[0]"],
                       "row 8 clashes with web-b of the other unit in the same domain")
        let count = try await s.h.hostCount()
        XCTAssertEqual(count, 2)
    }

    func testAGBKFileFromExcelImportsAndImportingItAgainChangesNothing() async throws {
        let s = try await Scene(Harness(testCase: self))
        let csv = """
        \(Self.header)\r
        市公安局,门户网站,gbk-1,10.1.0.41;10.1.0.42,麒麟 V10,浪潮云,,运行中\r
        市公安局,门户网站,gbk-2,10.1.0.43,麒麟 V10,浪潮云,政务外网区,维护中\r
        市教育局,门户网站,gbk-3,10.2.0.44,统信 UOS,华为云,,已下线\r

        """
        let bytes = try iconv(csv, to: "GBK")
        XCTAssertNil(String(validating: bytes, as: UTF8.self), "the fixture really is not UTF-8")
        let first = try await s.h.center.registry.importHosts(csv: bytes, by: s.sec.principal)
        XCTAssertEqual(first, HostImportSummary(created: 3, updated: 0))
        let hosts = try await s.h.center.registry.hosts(HostQuery(text: "gbk"), by: s.sec.principal).items
        XCTAssertEqual(hosts.map(\.hostname), ["gbk-1", "gbk-2", "gbk-3"])
        XCTAssertEqual(hosts[0].ips, ["10.1.0.41", "10.1.0.42"])
        XCTAssertEqual(hosts[1].securityDomain, "政务外网区")
        XCTAssertEqual(hosts[1].state, .maintenance)
        XCTAssertEqual(hosts[2].unitID, s.unitB.id)
        XCTAssertEqual(hosts[2].state, .retired)
        XCTAssertEqual(hosts[0].os, "麒麟 V10", "Chinese text survives the encoding")
        let trail = try await s.h.store.auditRecords(AuditQuery(action: "host.create"), page: PageRequest()).items
        XCTAssertEqual(trail.filter { $0.detail?.hasPrefix("import line") == true }.count, 3, "each imported host has its own record")

        let head = try await s.h.auditHead()
        let again = try await s.h.center.registry.importHosts(csv: bytes, by: s.sec.principal)
        XCTAssertEqual(again, HostImportSummary(created: 0, updated: 0), "the same file again creates and updates nothing")
        let unchanged = try await s.h.center.registry.hosts(HostQuery(text: "gbk"), by: s.sec.principal).items
        XCTAssertEqual(unchanged, hosts, "not even a version number moved")
        let updates = try await s.h.store.auditRecords(AuditQuery(action: "host.update"), page: PageRequest()).total
        XCTAssertEqual(updates, 0)
        let headAfter = try await s.h.auditHead()
        XCTAssertEqual(headAfter, head + 1, "only the import itself is recorded")

        // One changed row is one update.
        let changed = try iconv(csv.replacingOccurrences(of: "gbk-2,10.1.0.43,麒麟 V10", with: "gbk-2,10.1.0.43,统信 UOS"), to: "GBK")
        let third = try await s.h.center.registry.importHosts(csv: changed, by: s.sec.principal)
        XCTAssertEqual(third, HostImportSummary(created: 0, updated: 1))
    }

    func testGB18030AndUTF8WithBOMImport() async throws {
        let s = try await Scene(Harness(testCase: self))
        let csv = "\(Self.header)\n市公安局,门户网站,gb-1,10.1.0.61,𠀀 OS,浪潮云,,\n"
        let summary = try await s.h.center.registry.importHosts(csv: try iconv(csv, to: "GB18030"), by: s.sec.principal)
        XCTAssertEqual(summary.created, 1)
        let host = try await s.h.center.registry.hosts(HostQuery(text: "gb-1"), by: s.sec.principal).items.first
        XCTAssertEqual(host?.os, "𠀀 OS")
        let bom = [0xEF, 0xBB, 0xBF] + Array("\(Self.header)\n市公安局,门户网站,bom-1,10.1.0.62,UOS,浪潮云,,\n".utf8)
        let second = try await s.h.center.registry.importHosts(csv: bom, by: s.sec.principal)
        XCTAssertEqual(second.created, 1, "the BOM does not spoil the first header")
    }

    func testEmptyAndHeaderOnlyFilesAreRefusedClearly() async throws {
        let s = try await Scene(Harness(testCase: self))
        let p = s.sec.principal
        guard let empty = await centerError({ try await s.h.center.registry.importHosts(csv: [], by: p) }) else { return }
        XCTAssertEqual(empty.kind, "importRejected")
        XCTAssertEqual(empty.fields, ["file"])
        guard let blank = await centerError({ try await s.h.center.registry.importHosts(csv: Array("\n\r\n".utf8), by: p) }) else { return }
        XCTAssertEqual(blank.kind, "importRejected")
        XCTAssertEqual(blank.fields, ["file"])
        guard let headerOnly = await centerError({
            try await s.h.center.registry.importHosts(csv: Array("\(Self.header)\r\n".utf8), by: p)
        }) else { return }
        XCTAssertEqual(headerOnly.kind, "importRejected", "a file without a single host row says so")
        XCTAssertEqual(headerOnly.fields, ["file"])
        let count = try await s.h.hostCount()
        XCTAssertEqual(count, 2)
    }

    func testUTF16AndBinaryFilesAreRefused() async throws {
        let s = try await Scene(Harness(testCase: self))
        let utf16 = try iconv("\(Self.header)\n市公安局,门户网站,u16,10.1.0.70,UOS,浪潮云,,\n", to: "UTF-16")
        await assertRefused("importRejected", fields: ["file"]) { try await s.h.center.registry.importHosts(csv: utf16, by: s.sec.principal) }
        await assertRefused("importRejected", fields: ["file"]) {
            try await s.h.center.registry.importHosts(csv: [0x50, 0x4B, 0x03, 0x04, 0xFF, 0xFF, 0x00, 0x81], by: s.sec.principal)
        }
    }
}
