import AnyunCore
@testable import Detection
import Foundation
import XCTest

/// The dispatcher with real HTTP receivers: retries, isolation of a bad channel, the bounded
/// queue, routing and shutdown.
final class NotifyDispatcherTests: XCTestCase {
    private let fastRetry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.1)

    func testTwoFailuresThenSuccessIsDeliveredOnTheThirdAttempt() async throws {
        let server = try await NotifyHTTPServer.start { _, index in
            index < 2 ? .json(#"{"error":"busy"}"#, status: 500) : .json("{}")
        }
        defer { server.stop() }
        let webhook = WebhookChannel(name: "soar", url: URL(string: "\(server.baseURL)/h")!, timeout: 5)
        let dispatcher = NotificationDispatcher(routes: [NotificationRoute(channel: webhook)], retry: fastRetry)
        let collector = NotifyOutcomeCollector(dispatcher.outcomes)

        XCTAssertEqual(dispatcher.submit(NotifyFixtures.alert(id: 7), unitName: "市卫健委", link: "https://soc/alerts/7"), 1)
        let outcome = try await collector.wait(for: 1)[0]
        XCTAssertEqual(outcome.channel, "soar")
        XCTAssertEqual(outcome.alertID, 7)
        XCTAssertEqual(outcome.status, .delivered)
        XCTAssertEqual(outcome.attempts, 3)
        XCTAssertNil(outcome.error)
        // Two back-offs of ~100 ms and ~200 ms (±10 %) lie between submit and delivery.
        XCTAssertGreaterThanOrEqual(outcome.latency, .milliseconds(270))
        let requests = await server.requests()
        XCTAssertEqual(requests.count, 3)
        let ids = try requests.map { try $0.json()["id"] as? Int }
        XCTAssertEqual(ids, [7, 7, 7], "the same alert each time")
        await dispatcher.shutdown()
    }

    func testDeadChannelFailsAfterConfiguredAttemptsWhileOthersDeliverPromptly() async throws {
        let good = try await NotifyHTTPServer.start { _, _ in .json(#"{"errcode":0,"errmsg":"ok"}"#) }
        defer { good.stop() }
        let slow = try await NotifyHTTPServer.start { _, _ in .json("{}", delay: .seconds(2)) }
        defer { slow.stop() }
        let closed = try await notifyClosedPort()
        let retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(400), maxDelay: .seconds(2), jitter: 0)
        let dispatcher = NotificationDispatcher(routes: [
            NotificationRoute(channel: WebhookChannel(name: "dead", url: URL(string: "http://127.0.0.1:\(closed)/h")!, timeout: 2)),
            NotificationRoute(channel: WebhookChannel(name: "slow", url: URL(string: "\(slow.baseURL)/h")!, timeout: 10)),
            NotificationRoute(channel: WeComChannel(name: "wecom", url: URL(string: "\(good.baseURL)/send?key=k")!, timeout: 5)),
        ], retry: retry)
        let collector = NotifyOutcomeCollector(dispatcher.outcomes)

        for id in 1...3 { XCTAssertEqual(dispatcher.submit(NotifyFixtures.notification(id: Int64(id))), 3) }

        // The good channel has all three before the dead one has given up on the first, and before
        // the slow receiver has answered even once.
        let delivered = try await collector.wait(for: 3) { $0.channel == "wecom" }
        XCTAssertEqual(delivered.map(\.alertID), [1, 2, 3], "one channel keeps submission order")
        XCTAssertTrue(delivered.allSatisfy { $0.status == .delivered && $0.attempts == 1 })
        XCTAssertLessThan(try XCTUnwrap(delivered.map(\.latency).max()), .milliseconds(1500))
        let early = await collector.outcomes
        XCTAssertFalse(early.contains { $0.channel == "dead" }, "still retrying: \(early)")
        XCTAssertFalse(early.contains { $0.channel == "slow" }, "still waiting for the slow receiver")

        let dead = try await collector.wait(for: 1) { $0.channel == "dead" }[0]
        XCTAssertEqual(dead.alertID, 1)
        XCTAssertEqual(dead.status, .failed)
        XCTAssertEqual(dead.attempts, 3)
        XCTAssertTrue(dead.error?.contains("connection refused") == true, dead.error ?? "")
        XCTAssertGreaterThanOrEqual(dead.latency, .milliseconds(1200), "400 ms + 800 ms of back-off")

        let slowOutcome = try await collector.wait(for: 1) { $0.channel == "slow" }[0]
        XCTAssertEqual(slowOutcome.status, .delivered)
        await dispatcher.shutdown(deadline: .milliseconds(200))
    }

    func testSubmitNeverBlocksAndOverflowIsCounted() async throws {
        let gate = NotifyGateChannel(name: "gate")
        let dispatcher = NotificationDispatcher(routes: [NotificationRoute(channel: gate)], retry: fastRetry, queueCapacity: 2)
        let collector = NotifyOutcomeCollector(dispatcher.outcomes)

        // The first alert is taken by the worker and hangs in the channel.
        dispatcher.submit(NotifyFixtures.notification(id: 1))
        let deadline = ContinuousClock.now + .seconds(5)
        while await gate.started.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let started = await gate.started
        XCTAssertEqual(started, [1])

        // 100 more while the channel hangs: all return at once; the queue keeps the newest two.
        let start = ContinuousClock.now
        for id in 2...101 { dispatcher.submit(NotifyFixtures.notification(id: Int64(id))) }
        XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(500), "submit must not wait for the channel")
        XCTAssertEqual(dispatcher.droppedCount, 98)

        let dropped = try await collector.wait(for: 98) { $0.status == .dropped }
        XCTAssertEqual(dropped.map(\.alertID), Array(2...99))
        XCTAssertTrue(dropped.allSatisfy { $0.attempts == 0 && $0.error?.contains("queue full") == true })

        await gate.open()
        let delivered = try await collector.wait(for: 3) { $0.status == .delivered }
        XCTAssertEqual(delivered.map(\.alertID), [1, 100, 101])
        await dispatcher.shutdown()
    }

    func testRoutingSendsEachChannelOnlyWhatItWants() async throws {
        let server = try await NotifyHTTPServer.start()
        defer { server.stop() }
        let all = WebhookChannel(name: "all", url: URL(string: "\(server.baseURL)/all")!)
        let severe = WebhookChannel(name: "severe", url: URL(string: "\(server.baseURL)/severe")!)
        let unit7 = WebhookChannel(name: "unit7", url: URL(string: "\(server.baseURL)/unit7")!)
        let dispatcher = NotificationDispatcher(routes: [
            NotificationRoute(channel: all),
            NotificationRoute(channel: severe, minSeverity: .high),
            NotificationRoute(channel: unit7, units: [7]),
        ], retry: fastRetry)
        let collector = NotifyOutcomeCollector(dispatcher.outcomes)

        XCTAssertEqual(dispatcher.submit(NotifyFixtures.notification(id: 1, severity: .low, unitID: 3)), 1)
        XCTAssertEqual(dispatcher.submit(NotifyFixtures.notification(id: 2, severity: .critical, unitID: 3)), 2)
        XCTAssertEqual(dispatcher.submit(NotifyFixtures.notification(id: 3, severity: .medium, unitID: 7)), 2)
        try await collector.wait(for: 5)
        await dispatcher.shutdown()

        var byPath: [String: [Int]] = [:]
        for request in await server.requests() { byPath[request.path, default: []].append(try request.json()["id"] as? Int ?? -1) }
        XCTAssertEqual(byPath["/all"]?.sorted(), [1, 2, 3])
        XCTAssertEqual(byPath["/severe"], [2])
        XCTAssertEqual(byPath["/unit7"], [3])
    }

    func testShutdownDrainsQueuedAlertsAndThenRefusesNewOnes() async throws {
        let server = try await NotifyHTTPServer.start { _, _ in .json("{}", delay: .milliseconds(100)) }
        defer { server.stop() }
        let dispatcher = NotificationDispatcher(routes: [
            NotificationRoute(channel: WebhookChannel(name: "hook", url: URL(string: "\(server.baseURL)/h")!)),
        ], retry: fastRetry)
        let collector = NotifyOutcomeCollector(dispatcher.outcomes)
        for id in 1...5 { dispatcher.submit(NotifyFixtures.notification(id: Int64(id))) }
        await dispatcher.shutdown(deadline: .seconds(10))
        await collector.finished()
        let outcomes = await collector.outcomes
        XCTAssertEqual(outcomes.map(\.alertID), [1, 2, 3, 4, 5])
        XCTAssertTrue(outcomes.allSatisfy { $0.status == .delivered })
        XCTAssertEqual(dispatcher.submit(NotifyFixtures.notification(id: 6)), 0, "nothing is taken after shutdown")
        XCTAssertEqual(dispatcher.droppedCount, 1)
    }

    func testShutdownDeadlineCancelsWhatIsLeftAndReportsIt() async throws {
        let sleepy = NotifySleepyChannel(name: "sleepy", duration: .seconds(30))
        let dispatcher = NotificationDispatcher(routes: [NotificationRoute(channel: sleepy)], retry: fastRetry)
        let collector = NotifyOutcomeCollector(dispatcher.outcomes)
        for id in 1...3 { dispatcher.submit(NotifyFixtures.notification(id: Int64(id))) }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        await dispatcher.shutdown(deadline: .milliseconds(300))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3), "the deadline bounds shutdown")
        await collector.finished()
        let outcomes = await collector.outcomes
        XCTAssertEqual(outcomes.count, 3, "every alert accounted for: \(outcomes)")
        XCTAssertEqual(outcomes.first { $0.alertID == 1 }?.status, .failed, "the one in flight was cancelled")
        XCTAssertEqual(outcomes.filter { $0.status == .dropped }.map(\.alertID).sorted(), [2, 3])
        XCTAssertEqual(dispatcher.droppedCount, 2)
    }
}

/// A receiver that takes `duration` to answer and honours cancellation.
private struct NotifySleepyChannel: NotificationChannel {
    let name: String
    let duration: Duration

    func deliver(_ notification: AlertNotification) async throws {
        try await Task.sleep(for: duration)
    }
}
