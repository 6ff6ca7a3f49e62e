import AnyunCore
import AnyunCrypto
import AnyunStore
import Center
import CenterHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// A centre on a fresh data directory with two units, a system and a host in each, and one
/// account per role, served through the real router.
struct TestCentre {
    let center: Center
    let directory: URL
    let unitA: GovUnit, unitB: GovUnit
    let systemA: BusinessSystem, systemB: BusinessSystem
    let hostA: CloudHost, hostB: CloudHost
    /// Password and TOTP secret of each account, by username.
    let accounts: [String: (password: String, totp: String?)]

    static let password = "Correct#Horse9"

    static func make() async throws -> TestCentre {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-http-\(UUID().uuidString)")
        let store = try SQLiteStore(directory: dir)
        var settings = CenterSettings()
        settings.hasher = .fastForTests
        let center = Center(store: store, keys: try CenterKeys.loadOrCreate(in: dir), settings: settings)
        let system = AuditActor.system
        var accounts: [String: (String, String?)] = [:]
        for (name, role) in [("sys", Role.systemAdmin), ("sec", .securityAdmin), ("aud", .auditAdmin), ("setup", .securityAdmin)] {
            let created = try await center.users.create(NewUserRequest(username: name, displayName: name, role: role.rawValue,
                                                                       password: password), actor: system)
            accounts[name] = (password, created.totp?.secret)
        }
        // A separate account sets the scene: a TOTP code is good for one login only, and the tests log in as "sec".
        let sec = try await center.auth.authenticate(try await center.auth.login(
            username: "setup", password: password, totp: code(accounts["setup"]!.1!), source: "test").token, source: "test")
        let unitA = try await center.registry.createUnit(UnitDraft(name: "市公安局", creditCode: CreditCode.completing("11370100MB0000001")!.value,
                                                                   contactName: "张伟", contactPhone: "0531-88880001"), by: sec)
        let unitB = try await center.registry.createUnit(UnitDraft(name: "市教育局", creditCode: CreditCode.completing("11370100MB0000002")!.value,
                                                                   contactName: "王芳", contactPhone: "0531-88880002"), by: sec)
        let systemA = try await center.registry.createSystem(SystemDraft(unitID: unitA.id, name: "门户网站", level: 3,
            filingNumber: "37010099001-20001", securityDomain: "互联网区", owner: "张伟"), by: sec)
        let systemB = try await center.registry.createSystem(SystemDraft(unitID: unitB.id, name: "门户网站", level: 2,
            filingNumber: "37010099002-20001", securityDomain: "互联网区", owner: "王芳"), by: sec)
        let hostA = try await center.registry.createHost(HostDraft(systemID: systemA.id, hostname: "web-a", ips: ["10.1.0.10"],
                                                                   os: "Kylin V10", platform: "浪潮云"), by: sec)
        let hostB = try await center.registry.createHost(HostDraft(systemID: systemB.id, hostname: "web-b", ips: ["10.2.0.10"],
                                                                   os: "UOS 20", platform: "华为云"), by: sec)
        for (name, role) in [("unitadmin", Role.unitAdmin), ("unitreader", .unitReadOnly)] {
            _ = try await center.users.create(NewUserRequest(username: name, displayName: name, role: role.rawValue, unitID: unitA.id,
                                                             password: password), actor: system)
            accounts[name] = (password, nil)
        }
        return TestCentre(center: center, directory: dir, unitA: unitA, unitB: unitB, systemA: systemA, systemB: systemB,
                          hostA: hostA, hostB: hostB, accounts: accounts)
    }

    static func code(_ base32: String) -> String {
        TOTP(secret: Base32.decode(base32)!).code(at: Date())
    }

    func app() throws -> some ApplicationProtocol {
        Application(router: try CenterApp.router(center: center, options: .init(host: "127.0.0.1", port: 0)))
    }

    /// Logs in through the API and returns the bearer header.
    func login(_ client: some TestClientProtocol, _ username: String) async throws -> HTTPFields {
        let account = accounts[username]!
        var body: [String: String] = ["username": username, "password": account.password]
        if let secret = account.totp { body["totp"] = Self.code(secret) }
        let response = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                body: ByteBuffer(bytes: try JSONEncoder().encode(body)))
        XCTAssertEqual(response.status, .ok, String(buffer: response.body))
        let token = try JSONDecoder().decode([String: AnyCodable].self, from: Data(buffer: response.body))["token"]?.string ?? ""
        return [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }
}

/// Just enough of a JSON value to read fields from answers without declaring every shape.
enum AnyCodable: Decodable, Equatable {
    case string(String), number(Double), bool(Bool), object([String: AnyCodable]), array([AnyCodable]), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([AnyCodable].self) { self = .array(a) }
        else { self = .object(try c.decode([String: AnyCodable].self)) }
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var int: Int? { if case .number(let n) = self { Int(n) } else { nil } }
    var array: [AnyCodable]? { if case .array(let a) = self { a } else { nil } }
    subscript(key: String) -> AnyCodable? { if case .object(let o) = self { o[key] } else { nil } }
    subscript(index: Int) -> AnyCodable? { if case .array(let a) = self, index < a.count { a[index] } else { nil } }
}

extension TestResponse {
    var json: AnyCodable { (try? JSONDecoder().decode(AnyCodable.self, from: Data(buffer: body))) ?? .null }

    /// The names of the fields a problem+json answer blames.
    var problemFields: [String] {
        json["invalid_params"]?.array?.compactMap { $0["name"]?.string } ?? []
    }
}

func jsonBody(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}
