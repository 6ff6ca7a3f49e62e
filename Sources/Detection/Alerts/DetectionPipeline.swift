import AnyunCore
import Foundation
import Logging
import Metrics
import Synchronization

/// The detection stage behind the event store: stored events go through the rules, matches
/// become alerts (deduplicated, suppressible) and new alerts go to the notification channels.
///
/// It never slows ingest down: `enqueue` returns at once, and when detection falls more than
/// `capacity` events behind the newest batches are refused and counted, visible in `/metrics`.
public final class DetectionPipeline: Sendable {
    public struct Configuration: Sendable {
        public var capacity = 500_000
        public var dedupWindow: Duration = .seconds(600)
        /// Builds the console link of an alert.
        public var link: @Sendable (Alert) -> String? = { _ in nil }
        /// Names a unit for notifications.
        public var unitName: @Sendable (Int64) -> String? = { _ in nil }

        public init() {}
    }

    private let engine: Mutex<DetectionEngine>
    private let alerts: any AlertStore
    private let dispatcher: NotificationDispatcher?
    private let configuration: Configuration
    private let logger: Logger
    private let queue: AsyncStream<[AnyunCore.LogEvent]>
    private let input: AsyncStream<[AnyunCore.LogEvent]>.Continuation
    private let queued = Atomic<Int>(0)
    private let droppedEvents = Atomic<Int>(0)
    private let droppedCounter = Counter(label: "anyun_detection_dropped_events_total")
    private let matchesCounter = Counter(label: "anyun_detection_matches_total")
    private let latency = Metrics.Timer(label: "anyun_alert_latency_seconds")

    public init(engine: DetectionEngine, alerts: any AlertStore, dispatcher: NotificationDispatcher?,
                configuration: Configuration = Configuration(), logger: Logger) {
        self.engine = Mutex(engine)
        self.alerts = alerts
        self.dispatcher = dispatcher
        self.configuration = configuration
        self.logger = logger
        (queue, input) = AsyncStream.makeStream(of: [AnyunCore.LogEvent].self, bufferingPolicy: .unbounded)
    }

    public var droppedCount: Int { droppedEvents.load(ordering: .relaxed) }

    /// Hands stored events to detection without waiting.
    public func enqueue(_ events: [AnyunCore.LogEvent]) {
        let now = queued.add(events.count, ordering: .relaxed).newValue
        guard now <= configuration.capacity else {
            queued.subtract(events.count, ordering: .relaxed)
            droppedEvents.add(events.count, ordering: .relaxed)
            droppedCounter.increment(by: events.count)
            return
        }
        input.yield(events)
    }

    /// Consumes the queue until `finish()`.
    public func run() async {
        for await batch in queue {
            queued.subtract(batch.count, ordering: .relaxed)
            let matches = engine.withLock { engine in batch.flatMap { engine.process($0) } }
            for match in matches { await raise(match) }
        }
    }

    public func finish() { input.finish() }

    private func raise(_ match: RuleMatch) async {
        matchesCounter.increment()
        let candidate = AlertCandidate(ruleID: match.ruleID, title: match.title, severity: match.level, category: match.category,
                                       groupKey: match.groupKey, time: match.time, unitID: match.unitID, systemID: match.systemID,
                                       hostID: match.hostID, summary: match.summary, tags: match.tags)
        do {
            let outcome = try await alerts.record(candidate, dedupWindowMicroseconds: Int64(configuration.dedupWindow.components.seconds) * 1_000_000)
            guard case .raised(let alert) = outcome else { return }
            dispatcher?.submit(alert, unitName: alert.unitID.flatMap(configuration.unitName), link: configuration.link(alert))
            let age = AnyunCore.LogEvent.microseconds(Date()) - match.time
            if age >= 0 { latency.recordNanoseconds(age * 1000) }
        } catch {
            logger.error("could not record an alert", metadata: ["rule": "\(match.ruleID)", "error": "\(error)"])
        }
    }
}
