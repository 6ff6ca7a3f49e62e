import AnyunCore
import XCTest
@testable import Detection

final class AlertStoreTests: XCTestCase {
    private let minute: Int64 = 60_000_000

    private func candidate(_ key: String = "src_ip=10.0.0.9", unit: Int64? = 1, at time: Int64,
                           rule: String = "ssh-brute-force", severity: Severity = .high) -> AlertCandidate {
        AlertCandidate(ruleID: rule, title: "SSH 暴力破解", severity: severity, category: "brute_force", groupKey: key, time: time,
                       unitID: unit, systemID: 2, hostID: 3, summary: "5 次失败登录", tags: ["attack.t1110", "mlps.8.1.4.1"])
    }

    func testRepeatsFoldIntoOneAlertInsideTheWindowOnly() async throws {
        let store = try SQLiteAlertStore(path: ":memory:")
        guard case .raised(let first) = try await store.record(candidate(at: 0), dedupWindowMicroseconds: 10 * minute) else {
            return XCTFail("the first match raises an alert")
        }
        XCTAssertEqual(first.tags, ["attack.t1110", "mlps.8.1.4.1"])
        guard case .deduplicated(let again) = try await store.record(candidate(at: 5 * minute), dedupWindowMicroseconds: 10 * minute) else {
            return XCTFail("a repeat inside the window folds in")
        }
        XCTAssertEqual(again.id, first.id)
        XCTAssertEqual(again.count, 2)
        XCTAssertEqual(again.lastSeen, 5 * minute)

        guard case .raised(let other) = try await store.record(candidate("src_ip=10.0.0.10", at: 6 * minute), dedupWindowMicroseconds: 10 * minute) else {
            return XCTFail("another key is another alert")
        }
        XCTAssertNotEqual(other.id, first.id)
        guard case .raised = try await store.record(candidate(at: 16 * minute), dedupWindowMicroseconds: 10 * minute) else {
            return XCTFail("after the window a repeat is a new alert")
        }
        let page = try await store.alerts(AlertQuery(units: .any), page: PageRequest())
        XCTAssertEqual(page.total, 3)
    }

    func testResolvedAlertsDoNotAbsorbNewMatches() async throws {
        let store = try SQLiteAlertStore(path: ":memory:")
        guard case .raised(let alert) = try await store.record(candidate(at: 0), dedupWindowMicroseconds: 10 * minute) else {
            return XCTFail()
        }
        _ = try await store.transition(id: alert.id, to: .resolved, by: "secadmin", note: "blocked", units: .any, at: minute)
        guard case .raised = try await store.record(candidate(at: 2 * minute), dedupWindowMicroseconds: 10 * minute) else {
            return XCTFail("a match after resolution is a new alert")
        }
    }

    func testStateMachineAndUnitIsolation() async throws {
        let store = try SQLiteAlertStore(path: ":memory:")
        guard case .raised(let alert) = try await store.record(candidate(unit: 1, at: 0), dedupWindowMicroseconds: minute) else {
            return XCTFail()
        }
        do {
            _ = try await store.transition(id: alert.id, to: .acknowledged, by: "unit2", note: "", units: .only(2), at: 1)
            XCTFail("another unit cannot touch this alert")
        } catch let error as AlertStoreError {
            XCTAssertEqual(error, .notFound(alert.id))
        }
        let acknowledged = try await store.transition(id: alert.id, to: .acknowledged, by: "secadmin", note: "looking", units: .only(1), at: 2)
        XCTAssertEqual(acknowledged.state, .acknowledged)
        do {
            _ = try await store.transition(id: alert.id, to: .new, by: "secadmin", note: "", units: .any, at: 3)
            XCTFail("acknowledged cannot go back to new")
        } catch let error as AlertStoreError {
            XCTAssertEqual(error, .invalidTransition(from: .acknowledged, to: .new))
        }
        let unit2 = try await store.alerts(AlertQuery(units: .only(2)), page: PageRequest())
        XCTAssertEqual(unit2.total, 0)
        let highOnly = try await store.alerts(AlertQuery(minSeverity: .critical, units: .any), page: PageRequest())
        XCTAssertEqual(highOnly.total, 0)
        let counts = try await store.countsBySeverity(units: .only(1), since: 0)
        XCTAssertEqual(counts, [.high: 1])
    }

    func testSuppressionCountsButDoesNotAlert() async throws {
        let store = try SQLiteAlertStore(path: ":memory:")
        _ = try await store.suppress(AlertSuppression(ruleID: "ssh-brute-force", groupKeyPattern: "src_ip=10.0.0.*", unitID: nil,
                                                      until: 30 * minute, reason: "scanner under test", createdBy: "secadmin"))
        let inside = try await store.record(candidate(at: minute), dedupWindowMicroseconds: minute)
        XCTAssertEqual(inside, .suppressed(ruleID: "ssh-brute-force", groupKey: "src_ip=10.0.0.9"))
        guard case .raised = try await store.record(candidate("src_ip=10.1.0.9", at: minute), dedupWindowMicroseconds: minute) else {
            return XCTFail("a key outside the pattern still alerts")
        }
        guard case .raised = try await store.record(candidate(at: 31 * minute), dedupWindowMicroseconds: minute) else {
            return XCTFail("an expired suppression no longer applies")
        }
        let active = try await store.suppressions(activeAt: minute)
        XCTAssertEqual(active.count, 1)
    }
}
