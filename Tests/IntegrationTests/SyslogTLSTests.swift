import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Syslog over TLS (RFC 5425) with a real TLS client: `openssl s_client` sends octet-counted frames.
final class SyslogTLSTests: XCTestCase {
    func testEventsSentOverTLSAreStoredAndPlaintextIsRefused() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("openssl not installed") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("syslog.crt").path, key = dir.appendingPathComponent("syslog.key").path
        let made = try Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                                     "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                                                     "-addext", "subjectAltName=IP:127.0.0.1"])
        XCTAssertEqual(made.status, 0, made.output)
        let config = dir.appendingPathComponent("anyun.yaml")
        try "syslog:\n  tls_certificate: \(cert)\n  tls_private_key: \(key)\n".write(to: config, atomically: true, encoding: .utf8)

        let server = try ServerProcess(arguments: ["--demo", "--config", config.path, "--syslog-tls", "127.0.0.1:0"])
        try await server.waitUntilReady()
        let port = try SyslogSocket.port("TLS", in: server.log)
        let admin = try await HTTP(base: server.baseURL).login("secadmin", credentials: server.dataDirectory.appendingPathComponent("demo-credentials.json"))

        var frames: [UInt8] = []
        for i in 0..<3 {
            frames += SyslogSocket.octetFramed(SyslogSocket.rfc5424(host: "tls-host", app: "sshd",
                                                                   "Failed password for root from 192.0.2.\(i) port 22 ssh2"))
        }
        let client = try Self.run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", cert,
                                                       "-verify_return_error", "-quiet"], input: Data(frames), closeAfter: 2)
        XCTAssertFalse(client.output.contains("verify error"), client.output)

        let found = try await admin.waitForEvents("host:tls-host", atLeast: 3)
        let items = try XCTUnwrap(found["items"] as? [[String: Any]])
        XCTAssertEqual(Set(items.compactMap { $0["transport"] as? String }), ["tls"])
        XCTAssertEqual(Set(items.compactMap { ($0["fields"] as? [String: Any])?["src_ip"] as? String }),
                       ["192.0.2.0", "192.0.2.1", "192.0.2.2"])

        // A plaintext sender on the TLS port gets nothing stored.
        let plain = try SyslogSocket.connectTCP(port)
        try SyslogSocket.send(plain, Array((SyslogSocket.rfc5424(host: "plain-host", app: "app", "not encrypted") + "\n").utf8))
        XCTAssertTrue(SyslogSocket.isClosedByPeer(plain, waiting: 10), "the TLS listener hangs up on plaintext")
        close(plain)
        let plainEvents = try await admin.send("GET", "/api/v1/events?q=host:plain-host").json as? [String: Any]
        XCTAssertEqual(plainEvents?["total"] as? Int, 0)
    }

    /// Runs a command, feeding `input`; with `closeAfter` the command is stopped that many seconds
    /// later (s_client keeps its connection open after its input ends). Output goes through a
    /// file, and the exit is polled, so a child that lingers cannot hang the test.
    static func run(_ path: String, _ arguments: [String], input: Data? = nil, closeAfter: Double = 0) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-run-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let inPipe = Pipe()
        p.standardOutput = output
        p.standardError = output
        p.standardInput = inPipe
        try p.run()
        if let input { inPipe.fileHandleForWriting.write(input) }
        let deadline = Date().addingTimeInterval(closeAfter > 0 ? closeAfter : 60)
        while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        try? inPipe.fileHandleForWriting.close()
        while p.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        try output.close()
        return (p.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
