import AnyunCore
import Foundation
import Synchronization
import XCTest
@testable import LogAudit

/// A store that answers only when the test lets it, to see the writer wait.
private final class GatedStore: EventStore, Sendable {
    let appended = Mutex<[[LogEvent]]>([])
    let gate = Mutex<[CheckedContinuation<Void, Never>]>([])
    let failNext = Mutex(false)

    func append(_ events: [LogEvent]) async throws -> EventBatchReceipt {
        await withCheckedContinuation { continuation in gate.withLock { $0.append(continuation) } }
        if failNext.withLock({ value in defer { value = false }; return value }) {
            throw LogStoreError.diskFull(detail: "test")
        }
        let start = appended.withLock { batches in
            defer { batches.append(events) }
            return Int64(batches.reduce(0) { $0 + $1.count }) + 1
        }
        return EventBatchReceipt(day: Day("2026-11-25")!, seqs: start...(start + Int64(events.count) - 1))
    }

    func open() { gate.withLock { waiters in waiters.forEach { $0.resume() }; waiters.removeAll() } }
    var waiting: Int { gate.withLock { $0.count } }

    func search(_ filter: EventFilter, page: PageRequest) async throws -> EventPage { EventPage(items: [], total: 0, totalIsExact: true, partitions: []) }
    func count(_ filter: EventFilter) async throws -> Int { 0 }
    func topValues(of field: String, _ filter: EventFilter, limit: Int) async throws -> [ValueCount] { [] }
    func histogram(_ filter: EventFilter, bucketMicroseconds: Int64) async throws -> [TimeBucket] { [] }
    func verify(from: Day?, to: Day?) async throws -> VerificationReport { VerificationReport(partitions: [], missing: []) }
    func event(day: Day, seq: Int64, units: UnitFilter) async throws -> StoredEvent? { nil }
}

private final class CollectingSink: StoredEventSink {
    let events = Mutex<[LogEvent]>([])
    func stored(_ batch: [LogEvent]) { events.withLock { $0 += batch } }
}

private func makeEvents(_ range: Range<Int>) -> [LogEvent] {
    range.map { LogEvent(time: Int64($0), received: Int64($0), transport: .tcp, message: "line \($0)") }
}

final class IngestWriterTests: XCTestCase {

    private func eventually(_ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<500 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        XCTFail("condition not reached")
    }

    func testSubmittersWaitForDurabilityAndBatchesGroupWaiters() async throws {
        let store = GatedStore()
        let writer = IngestWriter(store: store, configuration: .init(maxBatch: 1_000, capacity: 10_000))
        let sink = CollectingSink()
        await writer.addSink(sink)
        let firstBatch = makeEvents(0..<10)
        let first = Task { try await writer.submit(firstBatch) }
        try await eventually { store.waiting == 1 }
        // While the first batch is being written, more submissions queue up behind it...
        let secondBatch = makeEvents(10..<20)
        let second = Task { try await writer.submit(secondBatch) }
        let thirdBatch = makeEvents(20..<30)
        let third = Task { try await writer.submit(thirdBatch) }
        try await eventually { await writer.pendingCount == 20 }
        store.open()
        try await first.value
        // ...and are written together as the next batch (group commit).
        try await eventually { store.waiting == 1 }
        store.open()
        try await second.value
        try await third.value
        XCTAssertEqual(store.appended.withLock { $0.map(\.count) }, [10, 20])
        XCTAssertEqual(sink.events.withLock { $0.map(\.seq) }, Array(1...30), "sinks see stored events with their sequence numbers")
    }

    func testAFullQueueMakesSubmittersWaitAndUDPDrop() async throws {
        let store = GatedStore()
        let writer = IngestWriter(store: store, configuration: .init(maxBatch: 100, capacity: 100))
        let firstBatch = makeEvents(0..<100)
        let first = Task { try await writer.submit(firstBatch) }
        try await eventually { store.waiting == 1 }
        let queuedBatch = makeEvents(100..<200)
        let queued = Task { try await writer.submit(queuedBatch) }
        try await eventually { await writer.pendingCount == 100 }
        let isFull = await writer.isFull
        XCTAssertTrue(isFull)
        let dropped = await writer.offer(makeEvents(200..<201))
        XCTAssertFalse(dropped, "best-effort senders are refused, not queued beyond capacity")
        let blockedBatch = makeEvents(201..<202)
        let blocked = Task { try await writer.submit(blockedBatch) }
        try await Task.sleep(for: .milliseconds(50))
        let pending = await writer.pendingCount
        XCTAssertEqual(pending, 100, "a reliable sender waits for room instead of growing the queue")
        store.open()
        try await first.value
        try await eventually { store.waiting == 1 }
        store.open()
        try await queued.value
        try await eventually { store.waiting == 1 }
        store.open()
        try await blocked.value
        XCTAssertEqual(store.appended.withLock { $0.flatMap { $0 }.count }, 201)
    }

    func testAStoreFailureReachesTheSubmittersOfThatBatchOnly() async throws {
        let store = GatedStore()
        let writer = IngestWriter(store: store)
        store.failNext.withLock { $0 = true }
        let failingBatch = makeEvents(0..<5)
        let failing = Task { try await writer.submit(failingBatch) }
        try await eventually { store.waiting == 1 }
        store.open()
        do {
            try await failing.value
            XCTFail("the submitter must learn its events were not stored")
        } catch let error as LogStoreError {
            guard case .diskFull = error else { return XCTFail("\(error)") }
        }
        let failure = await writer.failure
        XCTAssertNotNil(failure)
        let nextBatch = makeEvents(5..<6)
        let next = Task { try await writer.submit(nextBatch) }
        try await eventually { store.waiting == 1 }
        store.open()
        try await next.value
        let cleared = await writer.failure
        XCTAssertNil(cleared, "a successful write clears the failure")
    }
}
