import AnyunCore

/// A Sigma detection rule, compiled once: a log-source gate and a matcher over `LogEvent`s.
public struct SigmaRule: Sendable {
    public var info: RuleInfo
    public var logsource: SigmaLogsource
    /// Sigma `fields`: what an analyst should look at first.
    public var fields: [String]
    let matcher: Matcher
    let gate: LogsourceGate
    /// The log-source mapping entry; rules sharing it share one gate evaluation per event.
    let gateIndex: Int
    let fieldNames: FieldNames

    /// Whether the event is of the rule's log source and satisfies its detection.
    public func matches(_ event: LogEvent) -> Bool {
        gate.matches(event, app: event.app.map(lowercasedIfNeeded), decoder: event.decoder.map(lowercasedIfNeeded)) && matcher.matches(event)
    }
}

/// How a rule's field names read from events (the log-source mapping entry it was compiled with).
struct FieldNames: Sendable {
    let mapping: LogsourceMapping
    let entry: Int?

    func accessor(_ name: String) -> FieldAccessor {
        mapping.accessor(for: name, entry: entry)
    }
}
