/// A canonical, fully parenthesized rendering of the parsed tree, for logs, error reports and
/// tests: `(text:"error" AND NOT user="root")`. It is not query syntax.
extension SearchQuery: CustomStringConvertible {
    public var description: String {
        switch self {
        case .all: return "*"
        case .term(let term): return term.description
        case .not(let inner): return "NOT \(inner)"
        case .and(let items): return "(" + items.map(\.description).joined(separator: " AND ") + ")"
        case .or(let items): return "(" + items.map(\.description).joined(separator: " OR ") + ")"
        }
    }
}

extension SearchTerm: CustomStringConvertible {
    public var description: String {
        let name: String
        switch target {
        case .fullText: name = "text"
        case .time: name = "time"
        case .received: name = "received"
        case .number(let column): name = column.rawValue
        case .transport: name = "transport"
        case .unit: name = "unit"
        case .system: name = "system"
        case .textColumn(let column): name = column.rawValue
        case .field(let field): name = field
        }
        switch predicate {
        case .exists: return "\(name):*"
        case .words(let phrase): return "\(name):\(phrase.quotedForm.replacingOccurrences(of: " *", with: "*"))"
        case .equals(let text): return "\(name)=\(quoted(text))"
        case .wildcard(let pattern): return "\(name)~\(quoted(pattern.glob))"
        case .ipAddress(let text, _): return "\(name)=ip(\(text))"
        case .ipRange(let range): return "\(name)#ip[\(range.low) TO \(range.high)]"
        case .numbers(let range):
            return "\(name):" + interval(range.lower.map { (format($0.value), $0.inclusive) },
                                         range.upper.map { (format($0.value), $0.inclusive) })
        case .texts(let range):
            return "\(name):" + interval(range.lower.map { (quoted($0.value), $0.inclusive) },
                                         range.upper.map { (quoted($0.value), $0.inclusive) })
        case .times(let range):
            return "\(name):" + interval(range.lower.map { (point($0.point), $0.inclusive) },
                                         range.upper.map { (point($0.point), $0.inclusive) })
        case .transports(let list): return "\(name):{\(list.map(\.rawValue).sorted().joined(separator: ","))}"
        case .names(let pattern): return "\(name):name(\(quoted(pattern)))"
        }
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func interval(_ lower: (String, Bool)?, _ upper: (String, Bool)?) -> String {
        (lower.map { ($0.1 ? "[" : "{") + $0.0 } ?? "[*") + " TO " + (upper.map { $0.0 + ($0.1 ? "]" : "}") } ?? "*]")
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private func point(_ point: QueryTimePoint) -> String {
        switch point {
        case .absolute(let start, let end): return "\(start)+\(end - start)"
        case .relative(let offset): return offset == 0 ? "now" : "now\(offset < 0 ? "" : "+")\(offset)us"
        }
    }
}
