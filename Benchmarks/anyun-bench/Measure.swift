/// One measured case: either a byte throughput or an operation rate.
struct Result {
    enum Unit: String { case megabytesPerSecond = "MB/s", operationsPerSecond = "ops/s" }

    let name: String
    /// Bytes per call for throughput cases, nil for operation-rate cases.
    let bufferBytes: Int?
    let value: Double
    let unit: Unit
}

/// Repeats a closure on the calling thread for a fixed wall-clock time.
struct Measure {
    let seconds: Double

    /// Calls `body` until `seconds` have passed (after one warm-up call) and returns calls per second.
    func rate(_ body: () throws -> Void) rethrows -> Double {
        try body()
        let clock = ContinuousClock()
        let budget = Duration.milliseconds(Int64(seconds * 1000))
        let start = clock.now
        var calls = 0
        var elapsed = Duration.zero
        repeat {
            try body()
            calls += 1
            elapsed = start.duration(to: clock.now)
        } while elapsed < budget
        let (wholeSeconds, attoseconds) = elapsed.components
        return Double(calls) / (Double(wholeSeconds) + Double(attoseconds) / 1e18)
    }

    /// MB/s (10^6 bytes per second, the unit `openssl speed` reports in) for `bytes` per call.
    func throughput(name: String, bytes: Int, _ body: () throws -> Void) rethrows -> Result {
        Result(name: name, bufferBytes: bytes, value: try rate(body) * Double(bytes) / 1e6, unit: .megabytesPerSecond)
    }

    func operations(name: String, _ body: () throws -> Void) rethrows -> Result {
        Result(name: name, bufferBytes: nil, value: try rate(body), unit: .operationsPerSecond)
    }
}
