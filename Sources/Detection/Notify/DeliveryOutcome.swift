import Foundation

/// What became of one alert on one channel, for the centre to show and count.
public struct DeliveryOutcome: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case delivered
        /// Every attempt failed, or the failure was not worth retrying.
        case failed
        /// Never attempted: the channel's queue was full, or the dispatcher shut down first.
        case dropped
    }

    public var channel: String
    public var alertID: Int64
    public var status: Status
    public var attempts: Int
    /// The last error, nil when delivered.
    public var error: String?
    /// From `submit` to this outcome: how late the people on duty heard of the alert.
    public var latency: Duration
    public var finishedAt: Date

    public var succeeded: Bool { status == .delivered }

    public init(channel: String, alertID: Int64, status: Status, attempts: Int, error: String?, latency: Duration,
                finishedAt: Date = Date()) {
        self.channel = channel
        self.alertID = alertID
        self.status = status
        self.attempts = attempts
        self.error = error
        self.latency = latency
        self.finishedAt = finishedAt
    }
}
