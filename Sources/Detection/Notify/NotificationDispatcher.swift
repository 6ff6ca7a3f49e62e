import AnyunCore
import Foundation
import Logging
import Metrics
import Synchronization

/// Sends alerts to the configured channels without ever holding up the alert pipeline.
///
/// Each channel has its own bounded queue and its own worker, so a channel that is down or slow
/// only delays its own messages. `submit` returns at once; when a channel's queue is full the
/// oldest waiting alert for that channel is dropped and counted. Every alert on every channel
/// ends in exactly one `DeliveryOutcome` on `outcomes` (delivered, failed or dropped).
///
/// Metrics: `anyun_notifications_total{channel,outcome=delivered|failed}` and
/// `anyun_notification_queue_dropped_total{channel}`.
public actor NotificationDispatcher {
    /// Every outcome, newest kept when nobody reads (the centre reads and stores them).
    public nonisolated let outcomes: AsyncStream<DeliveryOutcome>
    public nonisolated let retry: RetryPolicy

    private nonisolated let lanes: [Lane]
    private nonisolated let outcomeSink: AsyncStream<DeliveryOutcome>.Continuation
    private nonisolated let logger: Logger
    private nonisolated let counters = DispatchCounters()
    private var workers: [Task<Void, Never>] = []
    private var isShutDown = false

    /// - Parameters:
    ///   - routes: the channels and what each wants; names must be unique (they label metrics).
    ///   - queueCapacity: alerts each channel may have waiting before the oldest is dropped.
    ///   - outcomeBuffer: outcomes kept for a slow reader of `outcomes`.
    public init(routes: [NotificationRoute], retry: RetryPolicy = RetryPolicy(), queueCapacity: Int = 256,
                outcomeBuffer: Int = 1024, logger: Logger = Logger(label: "anyun.notify"),
                metricsFactory: (any MetricsFactory)? = nil) {
        let (stream, sink) = AsyncStream<DeliveryOutcome>.makeStream(bufferingPolicy: .bufferingNewest(max(1, outcomeBuffer)))
        self.outcomes = stream
        self.outcomeSink = sink
        self.retry = retry
        self.logger = logger
        self.lanes = routes.map { Lane(route: $0, capacity: queueCapacity, metricsFactory: metricsFactory) }
        let counters = self.counters
        self.workers = lanes.map { lane in
            Task { await Self.work(lane, retry: retry, sink: sink, counters: counters, logger: logger) }
        }
    }

    deinit {
        // Dropped without shutdown: let the workers finish what is queued and end.
        for lane in lanes { lane.queue.finish() }
    }

    /// Convenience for the pipeline: wraps the alert with its unit name and console link.
    @discardableResult
    public nonisolated func submit(_ alert: Alert, unitName: String? = nil, link: String? = nil) -> Int {
        submit(AlertNotification(alert: alert, unitName: unitName, link: link))
    }

    /// Queues the notification on every channel whose route accepts it and returns at once with
    /// how many channels took it. Never waits, whatever the channels are doing.
    @discardableResult
    public nonisolated func submit(_ notification: AlertNotification) -> Int {
        let entry = QueuedNotification(notification: notification, submittedAt: .now)
        var queued = 0
        for lane in lanes where lane.route.accepts(notification) {
            switch lane.queue.push(entry) {
            case .enqueued:
                queued += 1
            case .displaced(let oldest):
                queued += 1
                Self.drop(oldest, on: lane, reason: "queue full (\(lane.queue.capacity) waiting); dropped for newer alerts",
                          sink: outcomeSink, counters: counters)
            case .closed:
                Self.drop(entry, on: lane, reason: "dispatcher is shut down", sink: outcomeSink, counters: counters)
            }
        }
        return queued
    }

    /// Alerts dropped without an attempt since start (full queues, shutdown), over all channels.
    public nonisolated var droppedCount: Int { counters.dropped.load(ordering: .relaxed) }

    /// The configured channel names, in route order.
    public nonisolated var channelNames: [String] { lanes.map(\.route.channel.name) }

    /// Stops taking alerts and lets the channels finish what is queued. Whatever is still queued
    /// or in flight at `deadline` is cancelled and reported as dropped or failed. `outcomes`
    /// finishes when this returns.
    public func shutdown(deadline: Duration = .seconds(10)) async {
        guard !isShutDown else { return }
        isShutDown = true
        for lane in lanes { lane.queue.finish() }
        let workers = self.workers
        if await Self.wait(for: workers, upTo: deadline) == false {
            logger.warning("notification shutdown deadline passed; cancelling pending deliveries", metadata: ["deadline": "\(deadline)"])
            for worker in workers { worker.cancel() }
            // Our channels stop promptly when cancelled; a channel that ignores cancellation is
            // not waited for beyond this grace, so shutdown stays bounded.
            if await Self.wait(for: workers, upTo: .seconds(2)) == false {
                logger.error("a notification channel ignored cancellation; shutting down without it")
            }
        }
        outcomeSink.finish()
    }

    /// Whether all `tasks` finished within `limit`. Does not wait past it, whatever the tasks do.
    private static func wait(for tasks: [Task<Void, Never>], upTo limit: Duration) async -> Bool {
        let race = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        let resume = { @Sendable (finished: Bool) in
            race.withLock { continuation in
                continuation?.resume(returning: finished)
                continuation = nil
            }
        }
        return await withCheckedContinuation { continuation in
            race.withLock { $0 = continuation }
            let timer = Task {
                try? await Task.sleep(for: limit)
                resume(false)
            }
            Task {
                for task in tasks { await task.value }
                resume(true)
                timer.cancel()
            }
        }
    }

    // MARK: - Workers

    private static func work(_ lane: Lane, retry: RetryPolicy, sink: AsyncStream<DeliveryOutcome>.Continuation,
                             counters: DispatchCounters, logger: Logger) async {
        while let entry = await lane.queue.next() {
            let outcome = await deliver(entry, via: lane.route.channel, retry: retry, logger: logger)
            (outcome.status == .delivered ? lane.delivered : lane.failed).increment()
            sink.yield(outcome)
        }
        // Cancelled at the shutdown deadline: what never got its turn is dropped, and said so.
        for entry in lane.queue.drain() {
            drop(entry, on: lane, reason: "dispatcher shut down before delivery", sink: sink, counters: counters)
        }
    }

    private static func deliver(_ entry: QueuedNotification, via channel: any NotificationChannel, retry: RetryPolicy,
                                logger: Logger) async -> DeliveryOutcome {
        let alertID = entry.notification.alert.id
        var attempt = 0
        while true {
            attempt += 1
            let error: any Error
            do {
                try await channel.deliver(entry.notification)
                return DeliveryOutcome(channel: channel.name, alertID: alertID, status: .delivered, attempts: attempt, error: nil,
                                       latency: .now - entry.submittedAt)
            } catch let caught {
                error = caught
            }
            let retryable = (error as? NotificationError)?.retryable ?? !(error is CancellationError)
            var message = String(describing: error)
            var giveUp = !retryable || attempt >= retry.maxAttempts || Task.isCancelled
            if !giveUp {
                do {
                    try await Task.sleep(for: retry.delay(afterAttempt: attempt))
                } catch {
                    message += " (retry abandoned: dispatcher shut down)"
                    giveUp = true
                }
            }
            if giveUp {
                logger.warning("notification not delivered", metadata: [
                    "channel": "\(channel.name)", "alert": "\(alertID)", "attempts": "\(attempt)", "error": "\(message)",
                ])
                return DeliveryOutcome(channel: channel.name, alertID: alertID, status: .failed, attempts: attempt, error: message,
                                       latency: .now - entry.submittedAt)
            }
            logger.debug("notification attempt failed; retrying", metadata: [
                "channel": "\(channel.name)", "alert": "\(alertID)", "attempt": "\(attempt)", "error": "\(message)",
            ])
        }
    }

    private static func drop(_ entry: QueuedNotification, on lane: Lane, reason: String,
                             sink: AsyncStream<DeliveryOutcome>.Continuation, counters: DispatchCounters) {
        counters.dropped.add(1, ordering: .relaxed)
        lane.droppedMetric.increment()
        sink.yield(DeliveryOutcome(channel: lane.route.channel.name, alertID: entry.notification.alert.id, status: .dropped,
                                   attempts: 0, error: reason, latency: .now - entry.submittedAt))
    }
}

struct QueuedNotification: Sendable {
    var notification: AlertNotification
    var submittedAt: ContinuousClock.Instant
}

/// A route with its queue and metric handles.
private final class Lane: Sendable {
    let route: NotificationRoute
    let queue: LaneQueue<QueuedNotification>
    let delivered: Counter
    let failed: Counter
    let droppedMetric: Counter

    init(route: NotificationRoute, capacity: Int, metricsFactory: (any MetricsFactory)?) {
        self.route = route
        self.queue = LaneQueue(capacity: capacity)
        let name = route.channel.name
        func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
            if let metricsFactory { return Counter(label: label, dimensions: dimensions, factory: metricsFactory) }
            return Counter(label: label, dimensions: dimensions)
        }
        delivered = counter("anyun_notifications_total", [("channel", name), ("outcome", "delivered")])
        failed = counter("anyun_notifications_total", [("channel", name), ("outcome", "failed")])
        droppedMetric = counter("anyun_notification_queue_dropped_total", [("channel", name)])
    }
}

private final class DispatchCounters: Sendable {
    let dropped = Atomic<Int>(0)
}
