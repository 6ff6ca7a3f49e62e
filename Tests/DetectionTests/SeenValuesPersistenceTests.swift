import AnyunCore
import Foundation
import XCTest
@testable import Detection

/// "Login from a source never seen for this account" keeps what it learned across restarts.
final class SeenValuesPersistenceTests: XCTestCase {
    func testLearnedPairsSurviveARestart() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seen-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var store = try SQLiteSeenValuesStore(path: path)
        XCTAssertEqual(store.learningStart(rule: "r", proposed: 100), 100)
        XCTAssertTrue(store.remember(rule: "r", key: "alice", value: "10.0.0.1", time: 200, forgetAfter: nil))
        XCTAssertFalse(store.remember(rule: "r", key: "alice", value: "10.0.0.1", time: 300, forgetAfter: nil))

        store = try SQLiteSeenValuesStore(path: path)
        XCTAssertEqual(store.learningStart(rule: "r", proposed: 999), 100, "the learning period started before the restart")
        XCTAssertFalse(store.remember(rule: "r", key: "alice", value: "10.0.0.1", time: 400, forgetAfter: nil),
                       "a pair learned before the restart is not new after it")
        XCTAssertTrue(store.remember(rule: "r", key: "alice", value: "10.0.0.2", time: 500, forgetAfter: nil))
        XCTAssertTrue(store.remember(rule: "r", key: "alice", value: "10.0.0.1", time: 400 + 10_000, forgetAfter: 1_000),
                      "forgetting still applies to restored pairs")
    }

    func testTheShippedNewSourceRuleDoesNotRefireAfterARestart() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seen-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rules = try RuleSet.shipped()
        let day = 86_400.0
        func newSourceAlerts(_ engine: inout DetectionEngine, _ event: LogEvent) -> Int {
            engine.process(event).filter { $0.correlation == .newValue }.count
        }
        var engine = DetectionEngine(rules: rules, seenValues: try SQLiteSeenValuesStore(path: path))
        _ = newSourceAlerts(&engine, TestEvents.sshSuccess(from: "10.1.1.1", user: "alice", at: 0))
        // After the learning period, a known source is quiet and a new one alerts.
        XCTAssertEqual(newSourceAlerts(&engine, TestEvents.sshSuccess(from: "10.1.1.1", user: "alice", at: 8 * day)), 0)
        XCTAssertEqual(newSourceAlerts(&engine, TestEvents.sshSuccess(from: "10.2.2.2", user: "alice", at: 8 * day + 1)), 1)

        var restarted = DetectionEngine(rules: rules, seenValues: try SQLiteSeenValuesStore(path: path))
        XCTAssertEqual(newSourceAlerts(&restarted, TestEvents.sshSuccess(from: "10.2.2.2", user: "alice", at: 8 * day + 60)), 0,
                       "what was learned before the restart is still known")
        XCTAssertEqual(newSourceAlerts(&restarted, TestEvents.sshSuccess(from: "10.3.3.3", user: "alice", at: 8 * day + 120)), 1)
    }
}
