/// How often and how patiently the dispatcher tries a channel: attempt n waits
/// baseDelay·2^(n-1), capped at maxDelay, spread by ±jitter so many alerts failing together do
/// not retry in lockstep.
public struct RetryPolicy: Sendable, Equatable, Codable {
    /// Attempts in all, including the first.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// 0…1: the fraction by which a delay may randomly shrink or grow.
    public var jitter: Double

    public init(maxAttempts: Int = 4, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(60), jitter: Double = 0.2) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The pause after failed attempt `attempt` (1-based).
    public func delay(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let base = min(baseDelay * (1 << exponent), maxDelay)
        guard jitter > 0 else { return base }
        let factor = Double.random(in: (1 - jitter)...(1 + jitter))
        return min(base * factor, maxDelay)
    }
}
