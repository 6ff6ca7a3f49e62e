import AnyunCore
import Foundation
import Metrics

/// Receives what stored events go on to (detection, live views). It must return quickly: it is
/// called on the write path.
public protocol StoredEventSink: Sendable {
    func stored(_ events: [LogEvent])
}

/// Collects events from every listener into batches and appends each batch to the store as one
/// transaction (group commit): many small senders cost one fsync per batch, not one per event.
///
/// `submit` returns when the caller's events are durable. When more than `capacity` events are
/// waiting, new submissions wait too: that is the back-pressure TCP listeners pass on to senders
/// by not reading their sockets.
public actor IngestWriter {
    public struct Configuration: Sendable {
        public var maxBatch = 10_000
        public var capacity = 200_000

        public init(maxBatch: Int = 10_000, capacity: Int = 200_000) {
            self.maxBatch = maxBatch
            self.capacity = capacity
        }
    }

    private let store: any EventStore
    private let configuration: Configuration
    private var sinks: [any StoredEventSink] = []
    private var pending: [LogEvent] = []
    private var waiters: [(count: Int, continuation: CheckedContinuation<Void, any Error>?)] = []
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    private var flushing = false
    /// The last write error, kept until a write succeeds: ingest refuses new events meanwhile.
    public private(set) var failure: LogStoreError?

    private let storedCounter = Counter(label: "anyun_events_stored_total")
    private let batchTimer = Metrics.Timer(label: "anyun_event_batch_seconds")

    public init(store: any EventStore, configuration: Configuration = Configuration()) {
        self.store = store
        self.configuration = configuration
    }

    public func addSink(_ sink: any StoredEventSink) { sinks.append(sink) }

    public var pendingCount: Int { pending.count }

    /// Whether a best-effort sender (UDP) should drop instead of queueing.
    public var isFull: Bool { pending.count >= configuration.capacity }

    /// Stores `events`, returning once they are durable (or throwing why they are not).
    public func submit(_ events: [LogEvent]) async throws {
        guard !events.isEmpty else { return }
        while pending.count >= configuration.capacity {
            await withCheckedContinuation { spaceWaiters.append($0) }
        }
        pending.append(contentsOf: events)
        try await withCheckedThrowingContinuation { continuation in
            waiters.append((events.count, continuation))
            if !flushing {
                flushing = true
                Task { await self.flushLoop() }
            }
        }
    }

    /// Queues events without waiting for them (UDP). Returns false when the queue is full and
    /// the events were dropped.
    public func offer(_ events: [LogEvent]) -> Bool {
        guard pending.count + events.count <= configuration.capacity else { return false }
        pending.append(contentsOf: events)
        waiters.append((events.count, nil))
        if !flushing {
            flushing = true
            Task { await self.flushLoop() }
        }
        return true
    }

    private func flushLoop() async {
        while !pending.isEmpty {
            // Take whole submissions only, so each waiter is answered by exactly one batch.
            var take = 0
            var answered = 0
            while answered < waiters.count, take == 0 || take + waiters[answered].count <= configuration.maxBatch {
                take += waiters[answered].count
                answered += 1
            }
            let batch = Array(pending.prefix(take))
            let batchWaiters = waiters.prefix(answered)
            pending.removeFirst(take)
            waiters.removeFirst(answered)
            for waiter in spaceWaiters { waiter.resume() }
            spaceWaiters.removeAll()

            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let receipt = try await store.append(batch)
                failure = nil
                storedCounter.increment(by: batch.count)
                batchTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
                var stored = batch
                for index in stored.indices { stored[index].seq = receipt.seqs.lowerBound + Int64(index) }
                for sink in sinks { sink.stored(stored) }
                for waiter in batchWaiters { waiter.continuation?.resume() }
            } catch {
                let reason = error as? LogStoreError ?? .storageFailure(detail: "\(error)")
                failure = reason
                for waiter in batchWaiters { waiter.continuation?.resume(throwing: reason) }
            }
        }
        flushing = false
    }
}
