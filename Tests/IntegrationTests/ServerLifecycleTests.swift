import Foundation
import XCTest

/// The real executable: first start, metrics, graceful stop, and the audit CLI against tampering.
final class ServerLifecycleTests: XCTestCase {
    func testFirstStartServesStopsGracefullyAndSealsTheTrail() async throws {
        let server = try ServerProcess()
        try await server.waitUntilReady()
        let credentials = server.dataDirectory.appendingPathComponent("initial-credentials.json")
        let mode = try FileManager.default.attributesOfItem(atPath: credentials.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "first-start credentials are readable by the owner only")
        let initial = try JSONSerialization.jsonObject(with: Data(contentsOf: credentials)) as? [[String: Any]] ?? []
        XCTAssertEqual(initial.compactMap { $0["username"] as? String }, ["sysadmin", "secadmin", "auditor"])
        for account in initial {
            let password = try XCTUnwrap(account["password"] as? String)
            XCTAssertFalse(server.log.contains(password), "a first-start password is in the output")
        }

        var http = HTTP(base: server.baseURL)
        var reply = try await http.send("GET", "/healthz")
        XCTAssertEqual(reply.status, 200)
        http = try await http.login("sysadmin", credentials: credentials)
        reply = try await http.send("GET", "/api/v1/units")
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual((reply.json as? [String: Any])?["total"] as? Int, 0)
        reply = try await http.send("GET", "/metrics")
        XCTAssertEqual(reply.status, 200)
        XCTAssertTrue(reply.text.contains("hb_requests"), "Prometheus exposition of request metrics:\n\(reply.text.prefix(500))")

        let status = try await server.terminate()
        XCTAssertEqual(status, 0, "SIGTERM is a graceful stop:\n\(server.log)")
        let verify = try AnyunBinary.run(["audit", "verify", "--data", server.dataDirectory.path])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertTrue(verify.stdout.contains("intact"), verify.stdout)
        XCTAssertFalse(verify.stdout.contains(" 0 seals"), "the trail is sealed at the latest on shutdown: \(verify.stdout)")
    }

    func testAuditVerifyNamesTheFirstTamperedRecord() async throws {
        let server = try ServerProcess()
        try await server.waitUntilReady()
        _ = try await server.terminate()
        let db = server.dataDirectory.appendingPathComponent("anyun.sqlite")

        // The product's own guard: the trail refuses updates even from the database shell.
        let blocked = try sqlite(db, "UPDATE audit_log SET detail = 'x' WHERE seq = 2;")
        XCTAssertNotEqual(blocked.status, 0)
        XCTAssertTrue(blocked.output.contains("append-only"), blocked.output)
        XCTAssertEqual(try AnyunBinary.run(["audit", "verify", "--data", server.dataDirectory.path]).status, 0)

        // An attacker with file access removes the guard and edits a record: the chain shows it.
        let edited = try sqlite(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 2;")
        XCTAssertEqual(edited.status, 0, edited.output)
        let verify = try AnyunBinary.run(["audit", "verify", "--data", server.dataDirectory.path])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stderr.contains("record 2 was altered"), verify.stderr)
        XCTAssertTrue(verify.stderr.contains("first bad record: 2"), verify.stderr)
    }

    func testConfigFileIsReadAndBadValuesAreRefused() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("anyun.yaml")
        try "log_level: warning\nauth:\n  idle_timeout_minutes: 0\n".write(to: config, atomically: true, encoding: .utf8)
        let bad = try AnyunBinary.run(["server", "--config", config.path, "--data", dir.appendingPathComponent("d").path,
                                       "--listen", "127.0.0.1:0"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("idle_timeout_minutes"), bad.stderr)

        try "data: \(dir.appendingPathComponent("from-yaml").path)\nlisten: 127.0.0.1:0\nauth:\n  idle_timeout_minutes: 10\n"
            .write(to: config, atomically: true, encoding: .utf8)
        // The flag overrides the file's data directory.
        let flagged = dir.appendingPathComponent("from-flag")
        let server = try ServerProcess(arguments: ["--config", config.path], dataDirectory: flagged)
        try await server.waitUntilReady()
        XCTAssertTrue(FileManager.default.fileExists(atPath: flagged.appendingPathComponent("anyun.sqlite").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("from-yaml").path))
        _ = try await server.terminate()
    }
}
