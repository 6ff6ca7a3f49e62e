import AnyunCore
import Center
import CenterHTTP
import Detection
import Foundation
import LogAudit
import Logging
import ServiceLifecycle

/// Builds the log-audit side of the server from the configuration: store, listeners, detection,
/// alerts and notifications, tied to the registry.
struct LogAuditWiring {
    let logs: LogAuditService
    let alerts: SQLiteAlertStore
    let pipeline: DetectionPipeline
    let dispatcher: NotificationDispatcher?
    let registry: RegistryMirror

    init(center: Center, keys: CenterKeys, dataDirectory: URL, file: ServerConfig, udp: [String], tcp: [String], tls: [String],
         logger: Logger) throws {
        var configuration = LogAuditService.Configuration()
        let syslog = file.syslog ?? SyslogConfig()
        configuration.listeners = try syslog.listenerConfiguration(udpFlags: udp, tcpFlags: tcp, tlsFlags: tls)
        configuration.relays = try syslog.relayBlocks()
        let logsConfig = file.logs ?? LogsConfig()
        configuration.retentionDays = try logsConfig.effectiveRetentionDays()
        configuration.archiveDirectory = logsConfig.archiveDir.map { URL(fileURLWithPath: $0) }

        let decoders: DecoderSet
        do {
            decoders = try DecoderSet.shipped(operatorDirectory: logsConfig.decodersDir.map { URL(fileURLWithPath: $0) })
        } catch {
            throw ConfigError("logs.decoders_dir: \(error)")
        }
        logs = try LogAuditService(directory: dataDirectory.appendingPathComponent("logs"),
                                   key: LogChainKey(secret: keys.master.rawRepresentation),
                                   signer: SM2SealSigner(key: keys.auditSeal), decoders: decoders,
                                   configuration: configuration, logger: logger)
        alerts = try SQLiteAlertStore(path: dataDirectory.appendingPathComponent("alerts.sqlite").path)
        registry = RegistryMirror(store: center.store)

        let rules: RuleSet
        do {
            rules = try RuleSet.shipped(operatorDirectory: logsConfig.rulesDir.map { URL(fileURLWithPath: $0) })
        } catch {
            throw ConfigError("detection rules: \(error)")
        }
        for issue in rules.skipped {
            logger.warning("detection rule skipped", metadata: ["rule": "\(issue.title)", "problem": "\(issue.problem)"])
        }
        dispatcher = try file.notify.map { settings in
            do { return try NotificationDispatcher(settings: settings) } catch { throw ConfigError("notify: \(error)") }
        }
        var pipelineConfiguration = DetectionPipeline.Configuration()
        if let minutes = file.alerts?.dedupMinutes {
            guard (1...1440).contains(minutes) else { throw ConfigError("alerts.dedup_minutes must be 1–1440, got \(minutes)") }
            pipelineConfiguration.dedupWindow = .seconds(minutes * 60)
        }
        let registry = registry
        pipelineConfiguration.unitName = { registry.unitName($0) }
        let seen = try SQLiteSeenValuesStore(path: dataDirectory.appendingPathComponent("seen-values.sqlite").path)
        pipeline = DetectionPipeline(engine: DetectionEngine(rules: rules, seenValues: seen), alerts: alerts, dispatcher: dispatcher,
                                     configuration: pipelineConfiguration, logger: logger)
    }

    var services: LogServices { LogServices(logs: logs, alerts: alerts, names: registry) }

    /// Everything that runs for the server's lifetime, for its service group.
    func runner(logger: Logger, onListening: @escaping @Sendable (SyslogListeners) -> Void) -> LogAuditRunner {
        LogAuditRunner(wiring: self, logger: logger, onListening: onListening)
    }
}

/// Sends stored events on to detection.
struct DetectionSink: StoredEventSink {
    let pipeline: DetectionPipeline
    func stored(_ events: [AnyunCore.LogEvent]) { pipeline.enqueue(events) }
}

/// Runs listeners, maintenance, detection and the registry refresh; on graceful shutdown
/// stops listening first, then stores what is queued, then seals.
struct LogAuditRunner: Service {
    let wiring: LogAuditWiring
    let logger: Logger
    let onListening: @Sendable (SyslogListeners) -> Void

    func run() async throws {
        try await wiring.registry.refresh()
        wiring.logs.updateHosts(Array(wiring.registry.snapshot.hosts.values))
        await wiring.logs.writer.addSink(DetectionSink(pipeline: wiring.pipeline))
        let listeners = try await wiring.logs.startListeners()
        onListening(listeners)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await wiring.pipeline.run() }
            group.addTask { await wiring.logs.runMaintenance() }
            group.addTask { await wiring.logs.watchKernelDrops() }
            group.addTask { await refreshRegistry() }
            try? await gracefulShutdown()
            await wiring.logs.shutdown()
            wiring.pipeline.finish()
            await wiring.dispatcher?.shutdown()
            group.cancelAll()
        }
    }

    private func refreshRegistry() async {
        while !Task.isCancelled {
            do {
                if try await wiring.registry.refresh() {
                    wiring.logs.updateHosts(Array(wiring.registry.snapshot.hosts.values))
                }
            } catch {
                logger.error("registry refresh for log attribution failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }
}
