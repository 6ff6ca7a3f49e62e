import AnyunCore
import Detection
import Foundation
import XCTest

enum NotifyFixtures {
    /// 2024-05-01 06:03:05.250 UTC = 14:03:05 in Shanghai.
    static let firstSeen: Int64 = 1_714_543_385_250_000
    /// 2024-05-01 16:30:00 UTC = 2024-05-02 00:30:00 in Shanghai (the date rolls over).
    static let lastSeen: Int64 = 1_714_581_000_000_000

    static func alert(id: Int64 = 42, severity: Severity = .high, unitID: Int64? = 3, title: String = "SSH 暴力破解",
                      summary: String = "10.1.2.3 在 5 分钟内 120 次 SSH 登录失败") -> Alert {
        Alert(id: id, ruleID: "anyun.ssh.bruteforce", title: title, severity: severity, category: "brute_force",
              groupKey: "src_ip=10.1.2.3", firstSeen: firstSeen, lastSeen: lastSeen, count: 120, unitID: unitID,
              systemID: 8, hostID: 21, summary: summary, tags: ["attack.t1110", "mlps.8.1.4.1"])
    }

    static func notification(id: Int64 = 42, severity: Severity = .high, unitID: Int64? = 3) -> AlertNotification {
        AlertNotification(alert: alert(id: id, severity: severity, unitID: unitID), unitName: "市卫健委",
                          link: "https://soc.example.gov.cn/alerts/\(id)")
    }
}

/// Computes what the receivers compute, with Python's hmac/base64/urllib — an implementation
/// independent of the one under test.
enum NotifyPython {
    static func run(_ script: String, _ arguments: [String]) throws -> String {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("\(python) is needed to recompute signatures independently (install Debian's python3)")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-py-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: scratch.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        process.standardOutput = try FileHandle(forWritingTo: scratch)
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python failed")
        return String(decoding: try Data(contentsOf: scratch), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// hex(HMAC-SHA256(key, message file contents)).
    static func hmacHex(key: String, message: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-msg-\(UUID().uuidString)")
        try message.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try run("import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), open(sys.argv[2],'rb').read(), hashlib.sha256).hexdigest())",
                       [key, file.path])
    }

    /// DingTalk's own recipe from its documentation, in Python.
    static func dingTalkSign(timestamp: String, secret: String) throws -> String {
        try run("""
            import hmac,hashlib,base64,sys
            ts, secret = sys.argv[1], sys.argv[2]
            print(base64.b64encode(hmac.new(secret.encode(), ("%s\\n%s" % (ts, secret)).encode(), hashlib.sha256).digest()).decode())
            """, [timestamp, secret])
    }
}

/// Reads a dispatcher's outcomes into an array the test can wait on.
final class NotifyOutcomeCollector: Sendable {
    private let box = Box()
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<DeliveryOutcome>) {
        let box = self.box
        task = Task { for await outcome in stream { await box.append(outcome) } }
    }

    private actor Box {
        var outcomes: [DeliveryOutcome] = []
        func append(_ outcome: DeliveryOutcome) { outcomes.append(outcome) }
    }

    var outcomes: [DeliveryOutcome] { get async { await box.outcomes } }

    /// Waits until `matching` outcomes satisfy the predicate (default: any), failing after `timeout`.
    @discardableResult
    func wait(for count: Int, timeout: Duration = .seconds(15), where predicate: @Sendable (DeliveryOutcome) -> Bool = { _ in true })
        async throws -> [DeliveryOutcome]
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let matching = await box.outcomes.filter(predicate)
            if matching.count >= count { return matching }
            try await Task.sleep(for: .milliseconds(10))
        }
        let matching = await box.outcomes.filter(predicate)
        XCTFail("expected \(count) outcomes, got \(matching.count): \(await box.outcomes)")
        return matching
    }

    /// Waits for the stream to finish (after `shutdown`).
    func finished() async { await task.value }
}

/// A channel whose deliveries wait until the test opens the gate: a receiver that hangs,
/// without timing games.
final class NotifyGateChannel: NotificationChannel {
    let name: String
    private let state = State()

    init(name: String) { self.name = name }

    private actor State {
        var open = false
        var started: [Int64] = []
        var delivered: [Int64] = []
        var waiters: [CheckedContinuation<Void, Never>] = []

        func begin(_ id: Int64) { started.append(id) }
        func finish(_ id: Int64) { delivered.append(id) }
        func waitOpen() async {
            if open { return }
            await withCheckedContinuation { waiters.append($0) }
        }
        func openGate() {
            open = true
            for waiter in waiters { waiter.resume() }
            waiters = []
        }
    }

    func deliver(_ notification: AlertNotification) async throws {
        await state.begin(notification.alert.id)
        await state.waitOpen()
        await state.finish(notification.alert.id)
    }

    func open() async { await state.openGate() }
    var started: [Int64] { get async { await state.started } }
    var delivered: [Int64] { get async { await state.delivered } }
}
