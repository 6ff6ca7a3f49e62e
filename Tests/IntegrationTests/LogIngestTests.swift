import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The log path of the real server: syslog over TCP (both framings) and UDP, the JSON ingest
/// API, attribution to the registry, search, unit isolation and the alert a brute force raises.
final class LogIngestTests: XCTestCase {
    private func startServer(_ extra: [String] = [], dataDirectory: URL? = nil) async throws -> ServerProcess {
        let server = try ServerProcess(arguments: ["--demo", "--syslog-tcp", "127.0.0.1:0", "--syslog-udp", "127.0.0.1:0"] + extra,
                                       dataDirectory: dataDirectory)
        try await server.waitUntilReady()
        return server
    }

    private func credentials(_ server: ServerProcess) -> URL {
        server.dataDirectory.appendingPathComponent("demo-credentials.json")
    }

    func testSyslogAndAPIEventsAreStoredAttributedSearchableAndAlerted() async throws {
        let server = try await startServer()
        let tcp = try SyslogSocket.port("TCP", in: server.log)
        let udp = try SyslogSocket.port("UDP", in: server.log)
        let admin = try await HTTP(base: server.baseURL).login("secadmin", credentials: credentials(server))
        let unitUser = try await HTTP(base: server.baseURL).login("unit01", credentials: credentials(server))
        let otherUnitUser = try await HTTP(base: server.baseURL).login("unit02", credentials: credentials(server))

        // A host of unit01's unit: its name in the syslog header attributes the lines to it.
        let hosts = try await unitUser.send("GET", "/api/v1/hosts?limit=1").json as? [String: Any]
        let host = try XCTUnwrap((hosts?["items"] as? [[String: Any]])?.first)
        let hostname = try XCTUnwrap(host["hostname"] as? String)
        let unitID = try XCTUnwrap(host["unitID"] as? Int)

        let attacker = "198.51.100.23"
        let octet = try SyslogSocket.connectTCP(tcp)
        for i in 0..<5 {
            let line = SyslogSocket.rfc5424(host: hostname, app: "sshd",
                                            "Failed password for invalid user test\(i) from \(attacker) port \(40000 + i) ssh2", severity: 5)
            try SyslogSocket.send(octet, SyslogSocket.octetFramed(line))
        }
        close(octet)
        let newline = try SyslogSocket.connectTCP(tcp)
        try SyslogSocket.send(newline, Array("<86>Nov 25 10:00:00 \(hostname) sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id\r\n".utf8))
        close(newline)
        try SyslogSocket.sendUDP(udp, Array(SyslogSocket.rfc5424(host: hostname, app: "kernel",
                                                                "IN=eth0 OUT= SRC=203.0.113.9 DST=10.0.0.1 PROTO=TCP SPT=1 DPT=23").utf8))
        let ingest = try await admin.send("POST", "/api/v1/events", json: ["events": [
            ["host": hostname, "app": "anyun-waf", "message": "{\"action\":\"block\",\"site\":\"www\",\"src_ip\":\"192.0.2.44\"}",
             "fields": ["action": "block", "site": "www", "src_ip": "192.0.2.44", "anomaly_score": 25]],
        ]])
        XCTAssertEqual(ingest.status, 200, ingest.text)

        let failures = try await admin.waitForEvents("src_ip:\(attacker) AND outcome:failure", atLeast: 5)
        let items = try XCTUnwrap(failures["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 5)
        for item in items {
            XCTAssertEqual(item["unit_id"] as? Int, unitID, "attributed through the host name")
            XCTAssertEqual(item["app"] as? String, "sshd")
            XCTAssertNotNil(item["decoder"] as? String)
            XCTAssertEqual((item["fields"] as? [String: Any])?["user"] as? String != nil, true)
        }
        _ = try await admin.waitForEvents("app:sudo AND user:alice", atLeast: 1)
        _ = try await admin.waitForEvents("app:kernel AND src_ip:203.0.113.0/24", atLeast: 1)
        _ = try await admin.waitForEvents("app:anyun-waf AND anomaly_score:>=20", atLeast: 1)

        // Tenancy: the unit sees its own events, another unit sees none of them.
        let own = try await unitUser.waitForEvents("src_ip:\(attacker)", atLeast: 5)
        XCTAssertEqual(own["total"] as? Int, 5)
        let foreign = try await otherUnitUser.send("GET", "/api/v1/events?q=src_ip:\(attacker)").json as? [String: Any]
        XCTAssertEqual(foreign?["total"] as? Int, 0, "another unit cannot read these events")

        // A long search streams: events as NDJSON lines, progress after each batch, then done.
        let streamed = try Self.lines(try await admin.send("GET", "/api/v1/events/stream?q=src_ip:\(attacker)&from=now-30d").text)
        XCTAssertEqual(streamed.compactMap { $0["event"] as? [String: Any] }.count, 5)
        let lastProgress = try XCTUnwrap(streamed.last { $0["progress"] != nil }?["progress"] as? [String: Any])
        XCTAssertEqual(lastProgress["buckets_done"] as? Int, lastProgress["buckets_total"] as? Int)
        XCTAssertEqual(lastProgress["matched"] as? Int, 5)
        let done = try XCTUnwrap(streamed.last?["done"] as? [String: Any])
        XCTAssertEqual(done["sent"] as? Int, 5)
        XCTAssertEqual(done["complete"] as? Bool, true)
        let limited = try Self.lines(try await admin.send("GET", "/api/v1/events/stream?q=src_ip:\(attacker)&limit=2").text)
        XCTAssertEqual(limited.compactMap { $0["event"] }.count, 2)
        XCTAssertEqual((limited.last?["done"] as? [String: Any])?["complete"] as? Bool, false)
        let foreignStream = try Self.lines(try await otherUnitUser.send("GET", "/api/v1/events/stream?q=src_ip:\(attacker)").text)
        XCTAssertEqual(foreignStream.compactMap { $0["event"] }.count, 0, "another unit streams none of them")

        // The five failures from one source inside 60 s raise one brute-force alert, grouped by it.
        var alert: [String: Any]?
        for _ in 0..<50 where alert == nil {
            let alerts = try await admin.send("GET", "/api/v1/alerts?limit=100").json as? [String: Any]
            alert = (alerts?["items"] as? [[String: Any]])?.first {
                ($0["group_key"] as? String) == "src_ip=\(attacker)" && ($0["title"] as? String)?.contains("Brute Force") == true
            }
            if alert == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let found = try XCTUnwrap(alert, "no brute-force alert")
        XCTAssertEqual(found["state"] as? String, "new")
        XCTAssertEqual(found["unit_id"] as? Int, unitID)
        XCTAssertNotNil(found["rule_id"] as? String)
        XCTAssertEqual(found["severity"] as? String, "high")
        let foreignAlerts = try await otherUnitUser.send("GET", "/api/v1/alerts").json as? [String: Any]
        XCTAssertFalse(((foreignAlerts?["items"] as? [[String: Any]]) ?? []).contains { ($0["id"] as? Int) == (found["id"] as? Int) })

        let id = try XCTUnwrap(found["id"] as? Int)
        let acknowledged = try await admin.send("POST", "/api/v1/alerts/\(id)/acknowledge", json: ["note": "blocking at the firewall"])
        XCTAssertEqual((acknowledged.json as? [String: Any])?["state"] as? String, "acknowledged", acknowledged.text)
        let backwards = try await admin.send("POST", "/api/v1/alerts/\(id)/reopen", json: [:])
        XCTAssertEqual(backwards.status, 409, "acknowledged cannot go back to new: \(backwards.text)")
        let history = try await admin.send("GET", "/api/v1/alerts/\(id)/history").json as? [String: Any]
        let steps = try XCTUnwrap(history?["items"] as? [[String: Any]])
        XCTAssertEqual(steps.count, 1, "the refused reopen is not a step")
        XCTAssertEqual(steps.first?["user"] as? String, "secadmin")
        XCTAssertEqual(steps.first?["from"] as? String, "new")
        XCTAssertEqual(steps.first?["to"] as? String, "acknowledged")
        XCTAssertEqual(steps.first?["note"] as? String, "blocking at the firewall")
        let foreignHistory = try await otherUnitUser.send("GET", "/api/v1/alerts/\(id)/history")
        XCTAssertEqual(foreignHistory.status, 404, "another unit cannot read how this alert was handled")

        // Bad input is refused with the field named; nothing is stored from a bad batch.
        let bad = try await admin.send("POST", "/api/v1/events", json: ["events": [["message": "ok"], ["host": "x"]]])
        XCTAssertEqual(bad.status, 422)
        XCTAssertTrue(bad.text.contains("events[1].message"), bad.text)
        let syntax = try await admin.send("GET", "/api/v1/events?q=src_ip:10.0.0.0/33")
        XCTAssertEqual(syntax.status, 400)
        XCTAssertTrue(syntax.text.contains("column"), syntax.text)

        let stopped = try await server.terminate()
        XCTAssertEqual(stopped, 0)
        let verify = try AnyunBinary.run(["logs", "verify", "--data", server.dataDirectory.path])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("logs intact"), verify.stdout)
    }

    func testOversizedMessagesAreCutAndFlaggedAndAThousandConnectionsAreServed() async throws {
        SyslogSocket.raiseFileLimit()
        let server = try await startServer()
        let tcp = try SyslogSocket.port("TCP", in: server.log)
        let admin = try await HTTP(base: server.baseURL).login("secadmin", credentials: credentials(server))

        let huge = try SyslogSocket.connectTCP(tcp)
        try SyslogSocket.send(huge, Array((SyslogSocket.rfc5424(host: "big-host", app: "app", "start ") + String(repeating: "x", count: 200_000) + "\n").utf8))
        close(huge)
        let cut = try await admin.waitForEvents("host:big-host", atLeast: 1)
        let event = try XCTUnwrap((cut["items"] as? [[String: Any]])?.first)
        XCTAssertEqual(event["flags"] as? [String], ["truncated"])
        XCTAssertLessThanOrEqual((event["message"] as? String)?.utf8.count ?? .max, 64 * 1024)

        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        for i in 0..<1_000 {
            let fd = try SyslogSocket.connectTCP(tcp)
            sockets.append(fd)
            try SyslogSocket.send(fd, Array((SyslogSocket.rfc5424(host: "many-\(i % 10)", app: "conn", "connection \(i)") + "\n").utf8))
        }
        let all = try await admin.waitForEvents("app:conn", atLeast: 1_000, timeout: 60)
        XCTAssertEqual(all["total"] as? Int, 1_000)
        let health = try await admin.send("GET", "/healthz")
        XCTAssertEqual(health.status, 200, "the console still answers with a thousand syslog connections open")
    }

    func testAStalledHalfFrameIsClosedAndKeptFlagged() async throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-stall-\(UUID().uuidString).yaml")
        try "syslog:\n  idle_timeout_seconds: 5\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let server = try await startServer(["--config", config.path])
        let tcp = try SyslogSocket.port("TCP", in: server.log)
        let admin = try await HTTP(base: server.baseURL).login("secadmin", credentials: credentials(server))

        let stalled = try SyslogSocket.connectTCP(tcp)
        defer { close(stalled) }
        let line = SyslogSocket.rfc5424(host: "stall-host", app: "app", "this frame never ends")
        try SyslogSocket.send(stalled, Array("\(line.utf8.count + 100) \(line)".utf8))

        // Others are not held up by it.
        let other = try SyslogSocket.connectTCP(tcp)
        try SyslogSocket.send(other, Array((SyslogSocket.rfc5424(host: "fine-host", app: "app", "meanwhile") + "\n").utf8))
        close(other)
        _ = try await admin.waitForEvents("host:fine-host", atLeast: 1)

        XCTAssertTrue(SyslogSocket.isClosedByPeer(stalled, waiting: 15), "the stalled connection is closed after the idle timeout")
        let kept = try await admin.waitForEvents("host:stall-host", atLeast: 1)
        let event = try XCTUnwrap((kept["items"] as? [[String: Any]])?.first)
        XCTAssertEqual(event["flags"] as? [String], ["truncated"], "what arrived is kept, marked as cut off")
    }

    func testKillDuringIngestLeavesAVerifiableStoreAndTamperingIsNamed() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var server = try await startServer(dataDirectory: data)
        var tcp = try SyslogSocket.port("TCP", in: server.log)

        // Stream lines for a while, then kill -9 mid-stream.
        let sender = try SyslogSocket.connectTCP(tcp)
        let stream = Task.detached {
            var i = 0
            while !Task.isCancelled {
                let batch = (0..<200).map { SyslogSocket.rfc5424(host: "kill-host", app: "app", "line \(i + $0)") + "\n" }.joined()
                guard (try? SyslogSocket.send(sender, Array(batch.utf8))) != nil else { break }
                i += 200
            }
        }
        try await Task.sleep(for: .seconds(2))
        kill(server.process.processIdentifier, SIGKILL)
        stream.cancel()
        _ = await stream.value
        close(sender)
        while server.process.isRunning { try await Task.sleep(for: .milliseconds(50)) }

        server = try await startServer(dataDirectory: data)
        tcp = try SyslogSocket.port("TCP", in: server.log)
        let admin = try await HTTP(base: server.baseURL).login("secadmin", credentials: credentials(server))
        let before = try await admin.waitForEvents("host:kill-host", atLeast: 1)
        let stored = try XCTUnwrap(before["total"] as? Int)
        XCTAssertGreaterThan(stored, 0)

        let resumed = try SyslogSocket.connectTCP(tcp)
        try SyslogSocket.send(resumed, Array((SyslogSocket.rfc5424(host: "kill-host", app: "app", "after restart") + "\n").utf8))
        close(resumed)
        _ = try await admin.waitForEvents("host:kill-host", atLeast: stored + 1)
        let stopped = try await server.terminate()
        XCTAssertEqual(stopped, 0)

        let intact = try AnyunBinary.run(["logs", "verify", "--data", data.path])
        XCTAssertEqual(intact.status, 0, "the store opens and verifies after kill -9:\n\(intact.stdout)\(intact.stderr)")

        // Now alter one stored event behind the centre's back: verify names it. Event #3 is
        // "line 2"; its record holds the message as tag 2, length 6, the bytes. Rewrite those
        // bytes in its block the way anyone with write access to the file could.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("sqlite3 not installed") }
        let partition = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("logs").path)
            .first { $0.hasSuffix(".db") })
        let file = data.appendingPathComponent("logs/\(partition)").path
        let row = try Self.sqlite(file, "SELECT first_seq, hex(data) FROM event_block WHERE first_seq <= 3 ORDER BY first_seq DESC LIMIT 1")
            .split(separator: "|")
        let firstSeq = try XCTUnwrap(row.first.map(String.init))
        let needle = "0206" + Array("line 2".utf8).map { String(format: "%02X", $0) }.joined()
        let blockHex = String(try XCTUnwrap(row.last)).trimmingCharacters(in: .whitespacesAndNewlines)
        let edited = blockHex.replacingOccurrences(of: needle, with: "0206" + Array("LINE 2".utf8).map { String(format: "%02X", $0) }.joined())
        XCTAssertNotEqual(edited, blockHex, "event #3's message is in its block")
        _ = try Self.sqlite(file, "UPDATE event_block SET data = X'\(edited)' WHERE first_seq = \(firstSeq)")
        let broken = try AnyunBinary.run(["logs", "verify", "--data", data.path])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.stderr.contains("event #3 was altered"), broken.stderr)
    }

    /// Runs one statement with the sqlite3 shell and returns what it printed.
    static func sqlite(_ file: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [file, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return text
    }

    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
        }
    }
}
