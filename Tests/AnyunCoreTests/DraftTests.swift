import AnyunCore
import Foundation
import XCTest

/// The field names each refused draft blames, in order.
private func fields(_ body: () throws -> Void) -> [String] {
    do {
        try body()
        return []
    } catch let failure as ValidationFailure {
        return failure.errors.map(\.field)
    } catch {
        return ["<unexpected \(error)>"]
    }
}

final class UnitDraftTests: XCTestCase {
    static let good = UnitDraft(name: " 市公安局 ", creditCode: "11370100mb0000001a", contactName: "张伟", contactPhone: "0531-88880001",
                                contactEmail: "sec@gaj.jinan.gov.cn")

    func testAGoodDraftIsNormalised() throws {
        let v = try Self.good.validated()
        XCTAssertEqual(v.name, "市公安局")
        XCTAssertEqual(v.creditCode, "11370100MB0000001A")
        XCTAssertEqual(v.contactPhone, "0531-88880001")
    }

    func testEachBadFieldIsNamed() {
        var d = Self.good
        d.creditCode = "11370100MB0000001B"
        XCTAssertEqual(fields { _ = try d.validated() }, ["creditCode"])
        d = Self.good
        d.creditCode = nil
        XCTAssertEqual(fields { _ = try d.validated() }, ["creditCode"])
        d = Self.good
        d.contactPhone = "call me"
        XCTAssertEqual(fields { _ = try d.validated() }, ["contactPhone"])
        d.contactPhone = "123"
        XCTAssertEqual(fields { _ = try d.validated() }, ["contactPhone"], "too few digits")
        d = Self.good
        for email in ["sec", "sec@gov", "@gov.cn", "a@b@c.cn", "sec @gov.cn", "sec@.cn", "sec@gov."] {
            d.contactEmail = email
            XCTAssertEqual(fields { _ = try d.validated() }, ["contactEmail"], email)
        }
        d.contactEmail = ""
        XCTAssertEqual(fields { _ = try d.validated() }, [], "e-mail is optional")
        d = Self.good
        d.name = "市公安局\u{7}"
        XCTAssertEqual(fields { _ = try d.validated() }, ["name"], "control characters")
        d.name = String(repeating: "局", count: 101)
        XCTAssertEqual(fields { _ = try d.validated() }, ["name"], "too long")
    }

    func testEverythingWrongIsReportedAtOnce() {
        let d = UnitDraft(name: "  ", creditCode: "123", contactName: nil, contactPhone: "x", contactEmail: "y")
        XCTAssertEqual(Set(fields { _ = try d.validated() }), ["name", "creditCode", "contactName", "contactPhone", "contactEmail"])
    }
}

final class SystemDraftTests: XCTestCase {
    static let good = SystemDraft(unitID: 1, name: "门户网站", level: 3, filingNumber: "37010099001-20001", securityDomain: "互联网区",
                                  owner: "张伟", ownerPhone: "13805310001")

    func testAGoodDraftPasses() throws {
        XCTAssertEqual(try Self.good.validated().level, 3)
    }

    func testLevelMustBeOneToFour() {
        for level in [0, 5, -1, 99] {
            var d = Self.good
            d.level = level
            XCTAssertEqual(fields { _ = try d.validated() }, ["level"], "level \(level)")
        }
        var d = Self.good
        d.level = nil
        XCTAssertTrue(fields { _ = try d.validated() }.contains("level"))
        for level in 1...4 {
            d.level = level
            XCTAssertEqual(fields { _ = try d.validated() }, [], "level \(level)")
        }
    }

    func testFilingNumberIsRequiredFromLevelTwo() {
        var d = Self.good
        d.filingNumber = nil
        for level in 2...4 {
            d.level = level
            XCTAssertEqual(fields { _ = try d.validated() }, ["filingNumber"], "level \(level)")
        }
        d.level = 1
        XCTAssertEqual(fields { _ = try d.validated() }, [], "a level-1 system is not filed")
    }

    func testFilingNumberFormat() {
        var d = Self.good
        for bad in ["3701009900-20001", "370100990011-20001", "37010099001-2001", "37010099001_20001", "37010099001-2000A",
                    "37010099001-20001-1", "３7010099001-20001"] {
            d.filingNumber = bad
            XCTAssertEqual(fields { _ = try d.validated() }, ["filingNumber"], bad)
        }
    }

    func testMissingUnitOwnerAndDomainAreNamed() {
        let d = SystemDraft(level: 2, filingNumber: "37010099001-20001", ownerPhone: "phone?")
        XCTAssertEqual(Set(fields { _ = try d.validated() }), ["unitID", "name", "securityDomain", "owner", "ownerPhone"])
    }
}

final class HostDraftTests: XCTestCase {
    static let good = HostDraft(systemID: 1, hostname: "web-01.gaj_prod", ips: ["10.1.0.10", " 2001:DB8::1 "], os: "麒麟 V10",
                                platform: "浪潮云", securityDomain: "", state: nil)

    func testAGoodDraftIsCanonicalised() throws {
        let v = try Self.good.validated()
        XCTAssertEqual(v.ips, ["10.1.0.10", "2001:db8::1"])
        XCTAssertEqual(v.state, .active, "a host without a state is in service")
        XCTAssertEqual(v.securityDomain, "", "empty means the system's domain")
    }

    func testHostnameCharacters() {
        var d = Self.good
        for bad in ["web 01", "主机01", "-web", ".web", "web/01", "web;rm", "web'01"] {
            d.hostname = bad
            XCTAssertEqual(fields { _ = try d.validated() }, ["hostname"], bad)
        }
        d.hostname = String(repeating: "a", count: 254)
        XCTAssertEqual(fields { _ = try d.validated() }, ["hostname"], "too long")
    }

    func testAddresses() {
        var d = Self.good
        d.ips = []
        XCTAssertEqual(fields { _ = try d.validated() }, ["ips"])
        d.ips = nil
        XCTAssertEqual(fields { _ = try d.validated() }, ["ips"])
        d.ips = (1...17).map { "10.0.0.\($0)" }
        XCTAssertEqual(fields { _ = try d.validated() }, ["ips"], "more than 16")
        d.ips = (1...16).map { "10.0.0.\($0)" }
        XCTAssertEqual(fields { _ = try d.validated() }, [], "16 is allowed")
        d.ips = ["10.0.0.1", "10.0.0.2", "10.0.0.256"]
        XCTAssertEqual(fields { _ = try d.validated() }, ["ips[2]"])
        d.ips = ["10.0.0.1", "10.0.0.1"]
        XCTAssertEqual(fields { _ = try d.validated() }, ["ips[1]"], "duplicate")
        d.ips = ["2001:db8::1", "10.0.0.9", "2001:DB8:0:0::1"]
        XCTAssertEqual(fields { _ = try d.validated() }, ["ips[2]"], "duplicate in another spelling")
    }

    func testState() throws {
        var d = Self.good
        for (label, state) in [("active", HostState.active), ("Maintenance", .maintenance), ("维护中", .maintenance), ("已下线", .retired),
                               (" planned ", .planned), ("", .active)] {
            d.state = label
            XCTAssertEqual(try d.validated().state, state, label)
        }
        for bad in ["running", "运行", "deleted"] {
            d.state = bad
            XCTAssertEqual(fields { _ = try d.validated() }, ["state"], bad)
        }
    }

    func testEverythingMissing() {
        XCTAssertEqual(Set(fields { _ = try HostDraft().validated() }), ["systemID", "hostname", "ips", "os", "platform"])
    }
}

final class ApplicationDraftTests: XCTestCase {
    func testValidation() throws {
        let unit: (ServiceKind) -> MeteringUnit = { $0.defaultMeteringUnit }
        let good = ApplicationDraft(unitID: 1, service: "waf", quantity: 2, startDay: "2025-06-01", endDay: "2025-12-31", purpose: "等保整改")
        XCTAssertEqual(try good.validated(meteringUnit: unit).quantity, 2)
        var d = good
        d.service = "antivirus"
        XCTAssertEqual(fields { _ = try d.validated(meteringUnit: unit) }, ["service"])
        d = good
        d.quantity = 0
        XCTAssertEqual(fields { _ = try d.validated(meteringUnit: unit) }, ["quantity"], "a site-month service needs a quantity")
        d.quantity = 10_001
        XCTAssertEqual(fields { _ = try d.validated(meteringUnit: unit) }, ["quantity"])
        d = good
        d.endDay = "2025-05-31"
        XCTAssertEqual(fields { _ = try d.validated(meteringUnit: unit) }, ["endDay"], "ends before it starts")
        d = good
        d.startDay = "2025-6-1"
        XCTAssertEqual(fields { _ = try d.validated(meteringUnit: unit) }, ["startDay"])
        d = ApplicationDraft(unitID: 1, service: "host-security", startDay: "2025-06-01", purpose: "x")
        XCTAssertEqual(fields { _ = try d.validated(meteringUnit: unit) }, ["systemIDs"], "a host-month service needs hosts or systems")
        d.systemIDs = [3, 3, 2]
        XCTAssertEqual(try d.validated(meteringUnit: unit).systemIDs, [2, 3], "deduplicated")
    }
}
