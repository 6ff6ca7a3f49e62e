import AnyunCore

/// A channel and the alerts it wants: at least `minSeverity`, and when `units` is set only
/// alerts of those units (an alert with no unit then does not match).
public struct NotificationRoute: Sendable {
    public var channel: any NotificationChannel
    public var minSeverity: Severity
    public var units: Set<Int64>?

    public init(channel: any NotificationChannel, minSeverity: Severity = .info, units: Set<Int64>? = nil) {
        self.channel = channel
        self.minSeverity = minSeverity
        self.units = units
    }

    public func accepts(_ notification: AlertNotification) -> Bool {
        guard notification.alert.severity >= minSeverity else { return false }
        guard let units else { return true }
        guard let unit = notification.alert.unitID else { return false }
        return units.contains(unit)
    }
}
