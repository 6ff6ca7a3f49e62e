import AnyunCore
import Foundation
import Logging
import Synchronization

/// Everything the centre runs for log audit: the store, the group-commit writer, the syslog
/// listeners, the host attribution kept in step with the registry, and the periodic work
/// (checkpoints, sealing at day end, retention).
public final class LogAuditService: Sendable {
    public struct Configuration: Sendable {
        public var listeners = SyslogListenerConfiguration()
        public var retentionDays = LogRetention.minimumDays
        public var archiveDirectory: URL?
        public var relays: [CIDR] = []
        public var checkpointInterval: Duration = .seconds(60)
        public var writer = IngestWriter.Configuration()

        public init() {}
    }

    public let store: PartitionedEventStore
    public let writer: IngestWriter
    public let stats = IngestStats()
    public let interpreter: SyslogInterpreter
    private let configuration: Configuration
    private let logger: Logger
    private let listeners = Mutex<SyslogListeners?>(nil)

    public init(directory: URL, key: LogChainKey, signer: any LogSealSigner, decoders: DecoderSet,
                configuration: Configuration, logger: Logger) throws {
        store = try PartitionedEventStore(directory: directory, key: key, signer: signer)
        writer = IngestWriter(store: store, configuration: configuration.writer)
        interpreter = SyslogInterpreter(parser: SyslogParser(options: .init(maxMessageBytes: configuration.listeners.maxMessageBytes)),
                                        decoders: decoders, relays: configuration.relays)
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the configured listeners; returns them so callers can print the bound ports.
    public func startListeners() async throws -> SyslogListeners {
        let started = try await SyslogListeners.start(configuration: configuration.listeners, interpreter: interpreter,
                                                      writer: writer, stats: stats)
        listeners.withLock { $0 = started }
        for spec in started.boundUDP { logger.notice("syslog UDP listening", metadata: ["address": "\(spec)"]) }
        for spec in started.boundTCP { logger.notice("syslog TCP listening", metadata: ["address": "\(spec)"]) }
        for spec in started.boundTLS { logger.notice("syslog TLS listening", metadata: ["address": "\(spec)"]) }
        return started
    }

    /// Refreshes attribution after the registry changed.
    public func updateHosts(_ hosts: [CloudHost]) {
        interpreter.update(AttributionTable(hosts: hosts, relays: configuration.relays))
    }

    /// Stores events sent through the API, attributing and decoding them like syslog ones.
    public func ingest(_ events: [AnyunCore.LogEvent]) async throws {
        try await writer.submit(events.map(interpreter.prepare))
    }

    /// Follows the kernel's drop count on the UDP listeners until cancelled, so losses before
    /// anyun reads a datagram show in `/metrics` and on the console too.
    public func watchKernelDrops(every interval: Duration = .seconds(5)) async {
        let ports = Set(listeners.withLock { $0?.boundUDP.map(\.port) ?? [] })
        guard !ports.isEmpty else { return }
        while !Task.isCancelled {
            if let total = KernelUDPDrops.total(ports: ports) { stats.kernelDrops(total: total) }
            do { try await Task.sleep(for: interval) } catch { break }
        }
    }

    /// Periodic work until cancelled: checkpoints of open days, sealing finished days, retention,
    /// and compressing sealed days.
    public func runMaintenance() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.sealCheckpointAndRetain() }
            group.addTask { await self.compactSealedDays() }
        }
    }

    /// Compression of sealed days takes minutes for a busy day: it runs on its own, so the
    /// checkpoints of the open day keep their pace.
    private func compactSealedDays() async {
        while !Task.isCancelled {
            do {
                try await store.compactSealedPartitions()
            } catch {
                logger.error("log store compaction failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: .seconds(600)) } catch { break }
        }
    }

    private func sealCheckpointAndRetain() async {
        var lastRetention = ContinuousClock.now - .seconds(86_400)
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.checkpointInterval)
            } catch { break }
            do {
                try await store.sealPartitions(before: PartitionedEventStore.day(of: AnyunCore.LogEvent.microseconds(Date())))
                try await store.checkpoint()
                if ContinuousClock.now - lastRetention >= .seconds(3_600) {
                    lastRetention = .now
                    let dropped = try await store.applyRetention(days: configuration.retentionDays, archive: configuration.archiveDirectory)
                    if !dropped.isEmpty {
                        logger.notice("log retention dropped days", metadata: ["days": "\(dropped.map(\.description))"])
                    }
                }
            } catch {
                logger.error("log store maintenance failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Stops listening, waits for queued events to be stored, then seals and checkpoints.
    public func shutdown() async {
        let running = listeners.withLock { value -> SyslogListeners? in
            defer { value = nil }
            return value
        }
        await running?.stop()
        while await writer.pendingCount > 0 { try? await Task.sleep(for: .milliseconds(20)) }
        do { try await store.close() } catch { logger.error("closing the log store failed", metadata: ["error": "\(error)"]) }
    }
}
