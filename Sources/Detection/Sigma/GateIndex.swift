import AnyunCore

/// Decides which log-source gates an event passes, touching only the clauses that can apply:
/// clauses keyed by app name are found through one dictionary lookup on the event's app; the few
/// others (decoder prefixes, field values) are checked in turn.
struct GateIndex: Sendable {
    private struct Entry: Sendable {
        var gate: Int
        var clause: LogsourceGate.Clause
    }

    private let byApp: [String: [Entry]]
    private let others: [Entry]
    let gateCount: Int

    init(gates: [LogsourceGate]) {
        var byApp: [String: [Entry]] = [:]
        var others: [Entry] = []
        for (g, gate) in gates.enumerated() {
            for clause in gate.clauses {
                if let apps = clause.apps {
                    for app in apps { byApp[app, default: []].append(Entry(gate: g, clause: clause)) }
                } else {
                    others.append(Entry(gate: g, clause: clause))
                }
            }
        }
        self.byApp = byApp
        self.others = others
        gateCount = gates.count
    }

    /// Sets `passed[g]` for every gate the event passes (`passed` must be all false on entry).
    func evaluate(_ event: LogEvent, passed: inout [Bool]) {
        let app = event.app.map(lowercasedIfNeeded)
        let decoder = event.decoder.map(lowercasedIfNeeded)
        if let app, let entries = byApp[app] {
            for e in entries where !passed[e.gate] && e.clause.matches(event, app: app, decoder: decoder) {
                passed[e.gate] = true
            }
        }
        for e in others where !passed[e.gate] && e.clause.matches(event, app: app, decoder: decoder) {
            passed[e.gate] = true
        }
    }
}

/// The string itself when it has no uppercase letters (the usual case: no allocation).
@inline(__always)
func lowercasedIfNeeded(_ s: String) -> String {
    var s = s
    let needs = s.withUTF8 { buf in buf.contains { ($0 &- 65) < 26 || $0 >= 0x80 } }
    return needs ? s.lowercased() : s
}
