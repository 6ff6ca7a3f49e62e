/// Reads `--flag value` pairs for the log suites (syslog-send, logs-fill, logs-search), which
/// have more options than the crypto suite's `BenchOptions`.
struct SyslogFlags {
    private var remaining: ArraySlice<String>

    init(_ arguments: [String]) { remaining = arguments[...] }

    /// The next flag, or nil at the end; anything that is not a flag is an error.
    mutating func nextFlag() throws -> String? {
        guard let argument = remaining.popFirst() else { return nil }
        if argument == "-h" || argument == "--help" { throw BenchOptions.UsageError("help") }
        guard argument.hasPrefix("--") else { throw BenchOptions.UsageError("unexpected argument '\(argument)'") }
        return argument
    }

    mutating func text(_ flag: String) throws -> String {
        guard let value = remaining.popFirst(), !value.hasPrefix("--") else { throw BenchOptions.UsageError("\(flag) needs a value") }
        return value
    }

    mutating func int(_ flag: String, in range: ClosedRange<Int>) throws -> Int {
        let raw = try text(flag)
        guard let value = Int(raw.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            throw BenchOptions.UsageError("\(flag) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(raw)'")
        }
        return value
    }

    mutating func double(_ flag: String, in range: ClosedRange<Double>) throws -> Double {
        let raw = try text(flag)
        guard let value = Double(raw), range.contains(value) else {
            throw BenchOptions.UsageError("\(flag) must be a number in \(range.lowerBound)...\(range.upperBound), got '\(raw)'")
        }
        return value
    }
}
