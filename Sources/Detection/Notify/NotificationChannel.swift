/// One way of telling people about an alert: a webhook, a DingTalk or WeCom group robot, mail.
///
/// A channel makes one delivery attempt per call; retries, backoff and routing belong to
/// `NotificationDispatcher`, so a channel stays a thin, testable adapter over one protocol.
public protocol NotificationChannel: Sendable {
    /// The operator's name for the channel (from the configuration), used in outcomes and metrics.
    var name: String { get }
    /// Delivers one notification or throws, preferably a `NotificationError` that says whether
    /// trying again can help.
    func deliver(_ notification: AlertNotification) async throws
}

/// Why a delivery failed. Messages name the step and the peer's answer, never a secret: URLs
/// appear without their query (DingTalk and WeCom carry their tokens there), passwords never.
public struct NotificationError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The channel is configured in a way that cannot work (no URL, no recipients, …).
        case configuration
        /// Could not reach the peer or the connection broke.
        case transport
        /// The peer did not answer in time.
        case timeout
        /// HTTP answered with a status outside 2xx.
        case httpStatus
        /// The robot API answered 200 with a non-zero errcode.
        case rejected
        /// The SMTP server answered a command with an error reply.
        case smtp
        /// TLS could not be set up or verified.
        case tls
    }

    public var kind: Kind
    public var message: String
    /// Whether another attempt may succeed (a 500 may, a wrong access token will not).
    public var retryable: Bool
    /// The HTTP status, robot errcode or SMTP reply code, when there was one.
    public var code: Int?

    public init(_ kind: Kind, _ message: String, retryable: Bool, code: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryable = retryable
        self.code = code
    }

    public var description: String { message }
}
