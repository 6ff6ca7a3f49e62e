import AnyunCore

/// What a mapped log source means on our events: any one of its clauses; a clause is the AND of
/// its conditions. Evaluated once per event for all rules sharing the log source.
struct LogsourceGate: Sendable {
    struct Clause: Sendable {
        /// Lowercased app names.
        var apps: Set<String>?
        /// Lowercased decoder-name prefixes.
        var decoderPrefixes: [String]?
        /// Field equals one of the (lowercased) values.
        var fields: [(FieldAccessor, Set<String>)] = []
        var transports: Set<String>?

        func matches(_ event: LogEvent, app: String?, decoder: String?) -> Bool {
            if let apps {
                guard let app, apps.contains(app) else { return false }
            }
            if let decoderPrefixes {
                guard let decoder, decoderPrefixes.contains(where: { decoder.hasPrefix($0) }) else { return false }
            }
            if let transports, !transports.contains(event.transport.rawValue) { return false }
            for (accessor, values) in fields {
                guard let v = accessor.value(in: event), values.contains(lowercasedIfNeeded(v)) else { return false }
            }
            return true
        }
    }

    var clauses: [Clause]

    func matches(_ event: LogEvent, app: String?, decoder: String?) -> Bool {
        for c in clauses where c.matches(event, app: app, decoder: decoder) { return true }
        return false
    }
}
