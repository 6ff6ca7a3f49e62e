import AnyunCore
import Foundation
import XCTest

final class IPAddressTests: XCTestCase {
    func testIPv4IsKeptInDottedQuad() throws {
        let ip = try XCTUnwrap(IPAddress("10.1.2.3"))
        XCTAssertEqual(ip.text, "10.1.2.3")
        XCTAssertFalse(ip.isV6)
        XCTAssertEqual(IPAddress("  192.168.0.1\t")?.text, "192.168.0.1", "surrounding blanks are trimmed")
        XCTAssertEqual(IPAddress("0.0.0.0")?.text, "0.0.0.0")
        XCTAssertEqual(IPAddress("255.255.255.255")?.text, "255.255.255.255")
    }

    func testIPv6IsCanonicalised() throws {
        let a = try XCTUnwrap(IPAddress("2001:DB8:0:0:0:0:0:1"))
        XCTAssertTrue(a.isV6)
        XCTAssertEqual(a.text, "2001:db8::1")
        XCTAssertEqual(IPAddress("2001:db8:0::1"), a, "two spellings of one address are one value")
        XCTAssertEqual(IPAddress("0:0:0:0:0:0:0:1")?.text, "::1")
        XCTAssertEqual(IPAddress("::ffff:a00:1"), IPAddress("::FFFF:10.0.0.1"))
        XCTAssertEqual(IPAddress("FE80::0001")?.text, "fe80::1")
    }

    func testLeadingZeroSpellingsDoNotBecomeADifferentAddress() {
        // Either refused or read as the same address: never a second spelling that passes a uniqueness check.
        for spelling in ["10.0.0.01", "010.0.0.1"] {
            if let ip = IPAddress(spelling) { XCTAssertEqual(ip.text, "10.0.0.1", spelling) }
        }
    }

    func testGarbageIsRefused() {
        for bad in ["10.0.0.256", "1.2.3", "1.2.3.4.5", "garbage", "", "   ", "10.0.0.1/24", "10.0.0.-1", "fe80::1%eth0", "::g",
                    "1::2::3", "12345::1", "10.0.0.1 10.0.0.2", "１０.0.0.1", "http://10.0.0.1", String(repeating: "1", count: 60),
                    "0x0a.0.0.1", "10.0.0.1\0", "10.0.0.1\0garbage"] {
            XCTAssertNil(IPAddress(bad), "\(bad.debugDescription) should be refused")
        }
    }

    func testCodable() throws {
        let decoded = try JSONDecoder().decode([IPAddress].self, from: Data(#"["2001:DB8::0:1"]"#.utf8))
        XCTAssertEqual(decoded.first?.text, "2001:db8::1")
        XCTAssertEqual(String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self), #"["2001:db8::1"]"#)
        XCTAssertThrowsError(try JSONDecoder().decode([IPAddress].self, from: Data(#"["10.0.0.256"]"#.utf8)))
    }
}
