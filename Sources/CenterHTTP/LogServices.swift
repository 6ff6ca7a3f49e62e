import AnyunCore
import Detection
import LogAudit

/// The log-audit side of the centre as the HTTP layer sees it. Absent when a test builds the
/// app without it; the log routes then are not mounted.
public struct LogServices: Sendable {
    public let logs: LogAuditService
    public let alerts: any AlertStore
    /// Resolves `unit:` / `system:` names in queries through the registry.
    public let names: any QueryNameResolver

    public init(logs: LogAuditService, alerts: any AlertStore, names: any QueryNameResolver) {
        self.logs = logs
        self.alerts = alerts
        self.names = names
    }
}
