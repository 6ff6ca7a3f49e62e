import AnyunCore
import AnyunCrypto
import Center
import CenterHTTP
import Detection
import Foundation
import Hummingbird
import HummingbirdTesting
import LogAudit
import Logging
import XCTest

/// `TestCentre` with log audit wired as `anyun server` wires it: an event store in the data
/// directory, an alert store beside it, and `unit:` / `system:` names from the registry.
struct LogConsoleTestCentre {
    let t: TestCentre
    let services: LogServices
    let logs: LogAuditService
    let alerts: SQLiteAlertStore

    static func make() async throws -> LogConsoleTestCentre {
        let t = try await TestCentre.make()
        let keys = try CenterKeys.loadOrCreate(in: t.directory)
        let logs = try LogAuditService(directory: t.directory.appendingPathComponent("logs"),
                                       key: LogChainKey(secret: keys.master.rawRepresentation),
                                       signer: SM2SealSigner(key: keys.auditSeal), decoders: try DecoderSet.shipped(),
                                       configuration: LogAuditService.Configuration(), logger: Logger(label: "log-console-test"))
        let alerts = try SQLiteAlertStore(path: t.directory.appendingPathComponent("alerts.sqlite").path)
        let names = RegistryMirror(store: t.center.store)
        try await names.refresh()
        return LogConsoleTestCentre(t: t, services: LogServices(logs: logs, alerts: alerts, names: names), logs: logs, alerts: alerts)
    }

    func app() throws -> some ApplicationProtocol {
        Application(router: try CenterApp.router(center: t.center, options: .init(host: "127.0.0.1", port: 0, logs: services)))
    }

    static var now: Int64 { AnyunCore.LogEvent.microseconds(Date()) }

    /// An event of a registered host, stored as the ingest path would have attributed it.
    static func event(_ host: CloudHost, app: String, _ message: String, at time: Int64, fields: [String: String] = [:],
                      severity: Int = 6, flags: LogEventFlags = []) -> AnyunCore.LogEvent {
        AnyunCore.LogEvent(time: time, received: time, transport: .tcp, sourceAddress: host.ips.first, facility: 4, severity: severity,
                 hostname: host.hostname, app: app, procID: "4242", message: message, fields: fields, decoder: fields.isEmpty ? nil : "test",
                 flags: flags, unitID: host.unitID, systemID: host.systemID, hostID: host.id)
    }

    /// Stores events and returns their ids (`day-seq`), in order.
    @discardableResult
    func store(_ events: [AnyunCore.LogEvent]) async throws -> [String] {
        let receipt = try await logs.store.append(events)
        return receipt.seqs.map { "\(receipt.day)-\($0)" }
    }

    func raise(ruleID: String = "ssh_brute_force", title: String = "SSH Brute Force", severity: Severity = .high,
               category: String = "brute_force", groupKey: String, host: CloudHost, at time: Int64, summary: String) async throws -> Detection.Alert {
        let outcome = try await alerts.record(AlertCandidate(ruleID: ruleID, title: title, severity: severity, category: category,
                                                             groupKey: groupKey, time: time, unitID: host.unitID, systemID: host.systemID,
                                                             hostID: host.id, summary: summary, tags: ["attack.t1110.001", "mlps.8.1.4.1"]),
                                              dedupWindowMicroseconds: 600_000_000)
        guard case .raised(let alert) = outcome else { throw FixtureError("alert was not raised: \(outcome)") }
        return alert
    }
}

extension String {
    /// How many times `needle` occurs.
    func occurrences(of needle: String) -> Int { components(separatedBy: needle).count - 1 }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
