import Metrics
import Synchronization

/// Counters the console and `/metrics` show for the syslog listeners.
public final class IngestStats: Sendable {
    private let udpReceived = Atomic<Int>(0)
    private let udpDropped = Atomic<Int>(0)
    private let streamReceived = Atomic<Int>(0)
    private let openConnections = Atomic<Int>(0)
    private let refusedConnections = Atomic<Int>(0)
    private let framingErrors = Atomic<Int>(0)
    private let kernelDropped = Atomic<Int>(0)
    private let kernelDroppedCounter = Counter(label: "anyun_syslog_udp_kernel_dropped_total")

    private let receivedCounter: [LogTransportLabel: Counter]
    private let droppedCounter = Counter(label: "anyun_syslog_udp_dropped_total")
    private let refusedCounter = Counter(label: "anyun_syslog_connections_refused_total")
    private let connectionsGauge = Gauge(label: "anyun_syslog_connections")

    enum LogTransportLabel: String, CaseIterable { case udp, tcp, tls }

    public init() {
        var counters: [LogTransportLabel: Counter] = [:]
        for label in LogTransportLabel.allCases {
            counters[label] = Counter(label: "anyun_syslog_received_total", dimensions: [("transport", label.rawValue)])
        }
        receivedCounter = counters
    }

    public struct Snapshot: Sendable, Equatable, Codable {
        public var udpReceived: Int
        public var udpDropped: Int
        public var streamReceived: Int
        public var openConnections: Int
        public var refusedConnections: Int
        public var framingErrors: Int
        /// Datagrams the kernel dropped before anyun could read them (receive buffer full).
        public var udpKernelDropped: Int
    }

    public var snapshot: Snapshot {
        Snapshot(udpReceived: udpReceived.load(ordering: .relaxed), udpDropped: udpDropped.load(ordering: .relaxed),
                 streamReceived: streamReceived.load(ordering: .relaxed), openConnections: openConnections.load(ordering: .relaxed),
                 refusedConnections: refusedConnections.load(ordering: .relaxed),
                 framingErrors: framingErrors.load(ordering: .relaxed),
                 udpKernelDropped: kernelDropped.load(ordering: .relaxed))
    }

    func receivedUDP(_ count: Int) {
        udpReceived.add(count, ordering: .relaxed)
        receivedCounter[.udp]?.increment(by: count)
    }

    func droppedUDP(_ count: Int) {
        udpDropped.add(count, ordering: .relaxed)
        droppedCounter.increment(by: count)
    }

    func receivedStream(_ count: Int, tls: Bool) {
        streamReceived.add(count, ordering: .relaxed)
        receivedCounter[tls ? .tls : .tcp]?.increment(by: count)
    }

    /// Counts a new connection; false when the limit is reached and it must be closed.
    func connectionOpened(limit: Int) -> Bool {
        let now = openConnections.add(1, ordering: .relaxed).newValue
        guard now <= limit else {
            openConnections.subtract(1, ordering: .relaxed)
            refusedConnections.add(1, ordering: .relaxed)
            refusedCounter.increment()
            return false
        }
        connectionsGauge.record(now)
        return true
    }

    /// Takes the kernel's running drop count for the listeners' sockets; counts what is new.
    func kernelDrops(total: Int) {
        let before = kernelDropped.exchange(total, ordering: .relaxed)
        if total > before { kernelDroppedCounter.increment(by: total - before) }
    }

    func framingError() {
        framingErrors.add(1, ordering: .relaxed)
    }

    func connectionClosed() {
        let now = openConnections.subtract(1, ordering: .relaxed).newValue
        connectionsGauge.record(now)
    }
}
