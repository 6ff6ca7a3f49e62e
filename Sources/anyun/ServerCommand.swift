import AnyunStore
import ArgumentParser
import Center
import CenterHTTP
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "server", abstract: "Run the security management centre.")

    @Option(help: "Configuration file (YAML).") var config: String?
    @Option(help: "Data directory (database, keys).") var data: String?
    @Option(help: "Address to listen on, HOST:PORT.") var listen: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String?
    @Flag(help: "Seed a demo deployment (16 units, 80 systems, 300 hosts) on first start.") var demo = false
    @Option(help: "Listen for syslog over UDP, HOST:PORT (repeatable; overrides syslog.udp).") var syslogUdp: [String] = []
    @Option(help: "Listen for syslog over TCP, HOST:PORT (repeatable; overrides syslog.tcp).") var syslogTcp: [String] = []
    @Option(help: "Listen for syslog over TLS, HOST:PORT (repeatable; overrides syslog.tls).") var syslogTls: [String] = []

    func run() async throws {
        var file = ServerConfig()
        if let config { file = try ServerConfig.load(config) }
        else if FileManager.default.fileExists(atPath: "anyun.yaml") { file = try ServerConfig.load("anyun.yaml") }
        let dataDir = URL(fileURLWithPath: data ?? file.data ?? "./anyun-data")
        let address = try ListenAddress(listen ?? file.listen ?? "127.0.0.1:8080")
        let level = Logger.Level(rawValue: logLevel ?? file.logLevel ?? "info") ?? .info
        let settings = try file.settings()
        let proxies = try file.proxies()

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "anyun.server")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        FileLimit.raise()
        let store = try SQLiteStore(directory: dataDir)
        let keys = try CenterKeys.loadOrCreate(in: dataDir)
        let center = Center(store: store, keys: keys, settings: settings, logger: logger)
        let firstStart = try await Bootstrap(center: center, dataDirectory: dataDir).run(demo: demo)
        let logAudit = try LogAuditWiring(center: center, keys: keys, dataDirectory: dataDir, file: file,
                                          udp: syslogUdp, tcp: syslogTcp, tls: syslogTls, logger: logger)

        let options = CenterApp.Options(host: address.host, port: address.port, secureCookies: file.secureCookies ?? false,
                                        trustedProxies: proxies, logs: logAudit.services, metrics: { registry.emitToString() })
        // The banner waits for both the HTTP port and the syslog ports, so what it prints is usable.
        let ready = ReadyBanner(banner: firstStart)
        let app = try CenterApp.application(center: center, options: options, logger: logger) { port in
            ready.http(url: "http://\(address.host.contains(":") ? "[\(address.host)]" : address.host):\(port)/")
        }
        let jobs = JobsService(jobs: BackgroundJobs(center: center, logger: logger))
        let logs = logAudit.runner(logger: logger) { ready.syslog($0) }
        let group = ServiceGroup(services: [logs, app, jobs], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        logger.info("anyun server stopped")
    }
}

/// Runs the centre's periodic jobs until graceful shutdown.
struct JobsService: Service {
    let jobs: BackgroundJobs

    func run() async throws {
        await cancelWhenGracefulShutdown { await jobs.run() }
    }
}
