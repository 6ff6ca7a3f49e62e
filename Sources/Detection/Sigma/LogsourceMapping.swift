import Foundation
import Yams

/// How Sigma log sources and field names meet our events (data, in `Rules/mapping/logsources.yaml`):
///
/// ```yaml
/// fields:                      # Sigma field name -> our name, or a list tried in order
///   SourceIp: src_ip
/// logsources:
///   - logsource: {product: linux, service: sshd}
///     match:                   # any one clause; keys in a clause are ANDed
///       - app: [sshd]          # app name, case-insensitive
///       - decoder: [sshd]      # decoder-name prefix
///         field: {action: [login]}   # field equals one of the values
///         transport: [udp, tcp, tls]
///     fields: {...}            # overrides for this log source only
/// ```
///
/// A rule's log source uses the most specific entry whose keys all equal the rule's and which names
/// the rule's category and service (only the product may be left out). A rule with no such entry
/// is unsupported: it is reported and left out, never run against every event.
public struct LogsourceMapping: Sendable {
    struct Entry: Sendable {
        var logsource: SigmaLogsource
        var gate: LogsourceGate
        var fields: [String: [String]]
    }

    let fields: [String: [String]]
    let entries: [Entry]

    public init(yaml: String, origin: String) throws {
        func fail(_ problem: String, _ node: Node?) -> RuleLoadError {
            RuleLoadError(origin: origin, line: node?.line, problem: problem)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw RuleLoadError(origin: origin, problem: "not valid YAML: \(error)")
        }
        guard let root, root.pairs != nil else { throw fail("the mapping must be a YAML map with `logsources`", root) }
        fields = try Self.readFields(root[key: "fields"], fail)
        guard let list = root[key: "logsources"]?.items else { throw fail("`logsources` must be a list", root) }
        var entries: [Entry] = []
        for item in list {
            guard let ls = item[key: "logsource"], let lsPairs = ls.pairs else {
                throw fail("each log source needs a `logsource` map", item)
            }
            var logsource = SigmaLogsource()
            for (k, v) in lsPairs {
                guard let t = v.text else { throw fail("logsource.\(k) must be a string", v) }
                switch k {
                case "product": logsource.product = t.lowercased()
                case "category": logsource.category = t.lowercased()
                case "service": logsource.service = t.lowercased()
                default: throw fail("unknown logsource key '\(k)' (product, category, service)", v)
                }
            }
            if logsource.isEmpty { throw fail("empty logsource", ls) }
            guard let clauseNodes = item[key: "match"]?.items, !clauseNodes.isEmpty else {
                throw fail("log source \(logsource) needs a non-empty `match` list", item)
            }
            var clauses: [LogsourceGate.Clause] = []
            for c in clauseNodes {
                guard let cPairs = c.pairs, !cPairs.isEmpty else { throw fail("a match clause must be a non-empty map", c) }
                var clause = LogsourceGate.Clause()
                for (k, v) in cPairs {
                    switch k {
                    case "app":
                        guard let l = v.stringList else { throw fail("`app` must be a list of names", v) }
                        clause.apps = Set(l.map { $0.lowercased() })
                    case "decoder":
                        guard let l = v.stringList else { throw fail("`decoder` must be a list of prefixes", v) }
                        clause.decoderPrefixes = l.map { $0.lowercased() }
                    case "transport":
                        guard let l = v.stringList else { throw fail("`transport` must be a list", v) }
                        clause.transports = Set(l.map { $0.lowercased() })
                    case "field":
                        guard let fp = v.pairs else { throw fail("`field` must map field names to values", v) }
                        for (name, values) in fp {
                            guard let l = values.stringList else { throw fail("field '\(name)' needs a value list", values) }
                            clause.fields.append((FieldAccessor(name: name), Set(l.map { $0.lowercased() })))
                        }
                    default:
                        throw fail("unknown match key '\(k)' (app, decoder, field, transport)", v)
                    }
                }
                clauses.append(clause)
            }
            let entryFields = try Self.readFields(item[key: "fields"], fail)
            entries.append(Entry(logsource: logsource, gate: LogsourceGate(clauses: clauses), fields: entryFields))
        }
        self.entries = entries
    }

    /// The mapping shipped in the module's resources.
    public static func shipped() throws -> LogsourceMapping {
        guard let url = ShippedRules.directory?.appendingPathComponent("mapping/logsources.yaml") else {
            throw RuleLoadError(origin: "Rules/mapping/logsources.yaml", problem: "the shipped rules are missing from the bundle")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return try LogsourceMapping(yaml: text, origin: "mapping/logsources.yaml")
    }

    private static func readFields(_ node: Node?, _ fail: (String, Node?) -> RuleLoadError) throws -> [String: [String]] {
        guard let node else { return [:] }
        guard let pairs = node.pairs else { throw fail("`fields` must map names to a name or a list of names", node) }
        var out: [String: [String]] = [:]
        for (k, v) in pairs {
            guard let l = v.stringList, !l.isEmpty else { throw fail("field '\(k)' must map to a name or a list of names", v) }
            out[k] = l
        }
        return out
    }

    /// The entry for a rule's log source, by the specificity rule above.
    func entryIndex(for logsource: SigmaLogsource) -> Int? {
        var best: (index: Int, score: Int)?
        for (i, e) in entries.enumerated() {
            let l = e.logsource
            if let p = l.product, p != logsource.product { continue }
            if let c = l.category, c != logsource.category { continue }
            if let s = l.service, s != logsource.service { continue }
            if logsource.category != nil && l.category == nil { continue }
            if logsource.service != nil && l.service == nil { continue }
            let score = [l.product, l.category, l.service].compactMap { $0 }.count
            if best == nil || score > best!.score { best = (i, score) }
        }
        return best?.index
    }

    /// Where a rule's field name reads from, for rules of the given entry.
    func accessor(for field: String, entry: Int?) -> FieldAccessor {
        if let entry, let names = entries[entry].fields[field] { return FieldAccessor(candidates: names) }
        if let names = fields[field] { return FieldAccessor(candidates: names) }
        return FieldAccessor(name: field)
    }

    public var logsources: [SigmaLogsource] { entries.map(\.logsource) }
}
