import AnyunCore
import XCTest

final class CIDRTests: XCTestCase {
    func testContainment() throws {
        let lan = try XCTUnwrap(CIDR("10.20.0.0/14"))
        XCTAssertTrue(lan.contains(IPAddress("10.20.0.1")!))
        XCTAssertTrue(lan.contains(IPAddress("10.23.255.255")!))
        XCTAssertFalse(lan.contains(IPAddress("10.24.0.0")!))
        XCTAssertFalse(lan.contains(IPAddress("10.19.255.255")!))
        XCTAssertFalse(lan.contains(IPAddress("::ffff:10.20.0.1")!), "an IPv6 address is not in an IPv4 block")

        let one = try XCTUnwrap(CIDR("192.0.2.7"))
        XCTAssertEqual(one.prefixLength, 32)
        XCTAssertTrue(one.contains(IPAddress("192.0.2.7")!))
        XCTAssertFalse(one.contains(IPAddress("192.0.2.6")!))
        XCTAssertTrue(CIDR("0.0.0.0/0")!.contains(IPAddress("203.0.113.9")!))

        let v6 = try XCTUnwrap(CIDR("fd00:abcd::/33"))
        XCTAssertTrue(v6.contains(IPAddress("fd00:abcd:7fff::1")!))
        XCTAssertFalse(v6.contains(IPAddress("fd00:abcd:8000::1")!))
        XCTAssertEqual(CIDR("FD00:ABCD:0::/33")?.description, "fd00:abcd::/33")
    }

    func testBadBlocksAreRefused() {
        for text in ["", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0/8", "host/8", "10.0.0.0/8/8"] {
            XCTAssertNil(CIDR(text), text)
        }
    }
}
