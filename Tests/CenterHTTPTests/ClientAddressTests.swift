import AnyunCore
import AnyunStore
import Center
import CenterHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The audit trail names the real client behind a trusted proxy, and only then.
final class ClientAddressTests: XCTestCase {
    func testForwardedForIsBelievedOnlyFromTrustedProxies() async throws {
        let t = try await TestCentre.make()
        for (trusted, expected) in [([CIDR("127.0.0.0/8")!], "203.0.113.9"), ([CIDR("192.0.2.0/24")!], "127.0.0.1")] {
            let app = Application(router: try CenterApp.router(center: t.center, options: .init(host: "127.0.0.1", port: 0,
                                                                                               trustedProxies: trusted)),
                                  configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                // The client claims a spoofed hop on the left; only the hop the proxy added counts.
                let r = try await client.execute(uri: "/api/v1/auth/login", method: .post,
                                                 headers: [.contentType: "application/json",
                                                           HTTPField.Name("X-Forwarded-For")!: "6.6.6.6, 203.0.113.9"],
                                                 body: jsonBody(["username": "unitreader", "password": "Wrong#Password1"]))
                XCTAssertEqual(r.status, .unauthorized)
            }
            let failures = try await t.center.store.auditRecords(AuditQuery(action: "auth.login"), page: PageRequest(limit: 1))
            XCTAssertEqual(failures.items.first?.sourceAddress, expected, "trusted proxies \(trusted)")
        }
    }
}
