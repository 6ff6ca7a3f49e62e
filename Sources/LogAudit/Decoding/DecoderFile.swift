import Foundation
import Yams

/// Reads one decoder YAML file into definitions, checking everything that can be checked
/// without the other files (pattern syntax, regexes, unknown keys, duplicate names), so an
/// operator sees "file:line: decoder 'x': problem" when the centre loads it.
enum DecoderFile {
    static let topKeys = ["decoders", "programs", "set"]
    static let decoderKeys = ["name", "description", "programs", "parent", "prematch", "pattern", "regex", "kv", "json",
                              "join", "rename", "parse", "map", "set", "drop", "disabled"]
    static let kvKeys = ["from", "separator", "assign", "expand", "bare", "hex", "absent"]

    static func parse(yaml: String, origin: String) throws(DecoderError) -> [DecoderDefinition] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw DecoderError(origin: origin, problem: "not valid YAML: \(error)")
        }
        guard let root else { return [] }
        var reader = Reader(origin: origin)
        guard case .mapping(let top) = root else {
            throw reader.error(root, "expected a mapping with a 'decoders' list at the top of the file")
        }
        var defaultPrograms: [String]?
        var defaultSet: [FieldAssignment] = []
        var list: Node.Sequence?
        for (k, v) in top {
            switch try reader.key(k, allowed: topKeys, what: "top-level key") {
            case "decoders":
                guard case .sequence(let s) = v else { throw reader.error(v, "'decoders' must be a list of decoders") }
                list = s
            case "programs": defaultPrograms = try reader.programs(v)
            default: defaultSet = try reader.assignments(v)
            }
        }
        guard let list else { throw reader.error(root, "missing the 'decoders' list") }
        var seen: [String: Int] = [:]
        var out: [DecoderDefinition] = []
        for node in list {
            var d = try reader.decoder(node)
            if let first = seen[d.name] {
                throw reader.error(node, "duplicate decoder name in this file (first defined at line \(first))")
            }
            seen[d.name] = d.line ?? 0
            if d.parent == nil, d.programs.isEmpty, !reader.hadPrograms, let defaultPrograms { d.programs = defaultPrograms }
            let own = Set(d.set.map(\.field))
            d.set = defaultSet.filter { !own.contains($0.field) } + d.set
            out.append(d)
        }
        return out
    }

    /// Walks the nodes of one file, remembering which decoder it is in for error messages.
    struct Reader {
        let origin: String
        var decoderName: String?
        /// Whether the current decoder wrote `programs:` itself (`programs: []` means any app).
        var hadPrograms = false

        func error(_ node: Node?, _ problem: String) -> DecoderError {
            DecoderError(origin: origin, line: node?.mark?.line, decoder: decoderName, problem: problem)
        }

        func key(_ node: Node, allowed: [String], what: String) throws(DecoderError) -> String {
            guard case .scalar(let s) = node else { throw error(node, "a \(what) must be a plain name") }
            guard allowed.contains(s.string) else {
                throw error(node, "unknown \(what) '\(s.string)' (known: \(allowed.joined(separator: ", ")))")
            }
            return s.string
        }

        func string(_ node: Node, _ what: String) throws(DecoderError) -> String {
            guard case .scalar(let s) = node else { throw error(node, "'\(what)' must be a single value") }
            return s.string
        }

        func strings(_ node: Node, _ what: String) throws(DecoderError) -> [String] {
            switch node {
            case .scalar(let s): return ["", "~", "null"].contains(s.string) ? [] : [s.string]
            case .sequence(let seq):
                var out: [String] = []
                for n in seq { out.append(try string(n, what)) }
                return out
            default: throw error(node, "'\(what)' must be a value or a list of values")
            }
        }

        func bool(_ node: Node, _ what: String) throws(DecoderError) -> Bool {
            switch try string(node, what).lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw error(node, "'\(what)' must be true or false")
            }
        }

        func mapping(_ node: Node, _ what: String) throws(DecoderError) -> Node.Mapping {
            guard case .mapping(let m) = node else { throw error(node, "'\(what)' must be a mapping") }
            return m
        }

        func programs(_ node: Node) throws(DecoderError) -> [String] {
            try strings(node, "programs").map { $0.lowercased() }
        }

        func assignments(_ node: Node) throws(DecoderError) -> [FieldAssignment] {
            var out: [FieldAssignment] = []
            for (k, v) in try mapping(node, "set") {
                let field = try string(k, "set")
                let value = try string(v, "set.\(field)")
                do { _ = try FieldTemplate(value) } catch { throw self.error(v, "set.\(field): \(error.message)") }
                out.append(FieldAssignment(field: field, value: value))
            }
            return out
        }

        mutating func decoder(_ node: Node) throws(DecoderError) -> DecoderDefinition {
            decoderName = nil
            hadPrograms = false
            guard case .mapping(let m) = node else { throw error(node, "each decoder must be a mapping with at least a 'name'") }
            guard let nameNode = m["name"] else { throw error(node, "a decoder needs a 'name'") }
            let name = try string(nameNode, "name")
            guard !name.isEmpty, name.utf8.allSatisfy({ ByteClass.isKeyByte($0) }) else {
                throw error(nameNode, "invalid decoder name '\(name)' (use letters, digits, '_', '-', '.')")
            }
            decoderName = name
            var d = DecoderDefinition(name: name, origin: origin, line: node.mark?.line)
            for (k, v) in m {
                switch try key(k, allowed: DecoderFile.decoderKeys, what: "key") {
                case "name", "description": break
                case "programs": d.programs = try programs(v); hadPrograms = true
                case "parent": d.parent = try string(v, "parent")
                case "prematch":
                    let p = try string(v, "prematch")
                    guard !p.isEmpty else { throw error(v, "'prematch' must not be empty") }
                    d.prematch = p
                case "pattern": d.patterns = try strings(v, "pattern")
                case "regex": d.regex = try string(v, "regex")
                case "kv": d.kv = try keyValue(v)
                case "json": d.json = try json(v)
                case "join":
                    for (f, g) in try mapping(v, "join") {
                        d.join.append(JoinRule(field: try string(f, "join"), keys: try string(g, "join")))
                    }
                case "rename":
                    for (f, t) in try mapping(v, "rename") {
                        let from = try string(f, "rename")
                        let to = try strings(t, "rename.\(from)")
                        guard !to.isEmpty else { throw error(t, "rename.\(from) needs a target name") }
                        d.rename.append(RenameRule(from: from, to: to))
                    }
                case "parse":
                    for (f, p) in try mapping(v, "parse") {
                        let field = try string(f, "parse")
                        d.parse.append(FieldParse(field: field, patterns: try strings(p, "parse.\(field)")))
                    }
                case "map":
                    for (f, spec) in try mapping(v, "map") {
                        d.map.append(try fieldMap(try string(f, "map"), spec))
                    }
                case "set": d.set = try assignments(v)
                case "drop": d.drop = try strings(v, "drop")
                default: d.disabled = try bool(v, "disabled")
                }
            }
            if d.disabled { return d }
            if d.parent != nil, hadPrograms {
                throw error(node, "a child decoder takes its programs from its parent; remove 'programs'")
            }
            try check(d, node)
            return d
        }

        func keyValue(_ node: Node) throws(DecoderError) -> KeyValueOptions? {
            if case .scalar = node { return try bool(node, "kv") ? KeyValueOptions() : nil }
            var o = KeyValueOptions()
            for (k, v) in try mapping(node, "kv") {
                switch try key(k, allowed: DecoderFile.kvKeys, what: "kv option") {
                case "from": o.from = try string(v, "kv.from")
                case "separator":
                    let s = try string(v, "kv.separator")
                    guard !s.isEmpty else { throw error(v, "kv.separator must not be empty") }
                    o.separator = s
                case "assign":
                    let s = try string(v, "kv.assign")
                    guard !s.isEmpty else { throw error(v, "kv.assign must not be empty") }
                    o.assign = s
                case "expand": o.expand = try strings(v, "kv.expand")
                case "bare": o.bare = try string(v, "kv.bare")
                case "hex": o.hex = try strings(v, "kv.hex")
                default: o.absent = try strings(v, "kv.absent")
                }
            }
            return o
        }

        func json(_ node: Node) throws(DecoderError) -> JSONOptions? {
            if case .scalar = node { return try bool(node, "json") ? JSONOptions() : nil }
            var o = JSONOptions()
            for (k, v) in try mapping(node, "json") {
                _ = try key(k, allowed: ["from"], what: "json option")
                o.from = try string(v, "json.from")
            }
            return o
        }

        func fieldMap(_ field: String, _ node: Node) throws(DecoderError) -> FieldMap {
            var m = FieldMap(field: field, values: [:])
            var hadValues = false
            for (k, v) in try mapping(node, "map.\(field)") {
                switch try key(k, allowed: ["from", "values", "default"], what: "map option") {
                case "from": m.from = try strings(v, "map.\(field).from")
                case "values":
                    hadValues = true
                    for (a, b) in try mapping(v, "map.\(field).values") {
                        m.values[try string(a, "map.\(field).values")] = try string(b, "map.\(field).values")
                    }
                default: m.defaultValue = try string(v, "map.\(field).default")
                }
            }
            guard hadValues else { throw error(node, "map.\(field) needs 'values'") }
            return m
        }

        /// Everything about one decoder that does not need the rest of the set.
        func check(_ d: DecoderDefinition, _ node: Node) throws(DecoderError) {
            if !d.patterns.isEmpty, d.regex != nil { throw error(node, "use either 'pattern' or 'regex', not both") }
            if d.kv != nil, d.json != nil { throw error(node, "use either 'kv' or 'json', not both") }
            if d.patterns.isEmpty, d.regex == nil, d.kv == nil, d.json == nil, d.prematch == nil {
                throw error(node, "a decoder needs a 'pattern', a 'regex', 'kv', 'json' or at least a 'prematch'")
            }
            do {
                _ = try CompiledDecoder(d)
            } catch {
                throw DecoderError(origin: origin, line: error.line ?? node.mark?.line, decoder: d.name, problem: error.problem)
            }
        }
    }
}
