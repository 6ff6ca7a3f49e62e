import Foundation

/// One decoder ready to run: patterns compiled, options turned into small matchers.
/// `apply` runs the pipeline captures → kv/json → join → rename → parse → map → set → drop.
final class CompiledDecoder: Sendable {
    enum Outcome {
        case noMatch
        /// The decoder matched; `body` is the range its `{body}` capture covered, for children.
        case matched(body: Range<Int>?)
    }

    let definition: DecoderDefinition
    var name: String { definition.name }
    private let prematch: [UInt8]
    private let patterns: [Pattern]
    /// Per pattern, per slot: what a capture becomes (a field, the body, the kv/json source).
    private let roles: [[SlotRole]]
    /// Bytes a message must start with for any pattern to match; nil: no such restriction.
    private let firstBytes: ByteSet?
    private let regex: CompiledRegex?
    private let slotCapacity: Int
    private let kv: KeyValueParser?
    private let json: JSONOptions?
    /// The capture kv or json reads (not kept as a field).
    private let sourceCapture: String?
    private let joins: [(rule: JoinRule, keys: KeyGlob)]
    private let renamer: Renamer
    private let parses: [(field: String, patterns: [Pattern])]
    private let maps: [FieldMap]
    private let sets: [(field: String, template: FieldTemplate)]
    /// Every name a pattern or regex of this decoder captures.
    let captureNames: Set<String>

    enum SlotRole: UInt8, Sendable { case field, body, source }

    init(_ d: DecoderDefinition) throws(DecoderError) {
        func fail(_ problem: String) -> DecoderError {
            DecoderError(origin: d.origin, line: d.line, decoder: d.name, problem: problem)
        }
        definition = d
        prematch = Array((d.prematch ?? "").utf8)
        var compiled: [Pattern] = []
        for (i, source) in d.patterns.enumerated() {
            do {
                compiled.append(try Pattern(source))
            } catch {
                let which = d.patterns.count > 1 ? "pattern \(i + 1)" : "pattern"
                throw fail("\(which) '\(source)': \(error.message)")
            }
        }
        patterns = compiled
        let source = d.kv?.from ?? d.json?.from
        roles = compiled.map { p in
            p.slots.map { $0.name == "body" ? .body : $0.name == source ? .source : .field }
        }
        if !compiled.isEmpty, compiled.allSatisfy({ $0.firstBytes != nil }) {
            var set = ByteSet()
            for p in compiled { set.formUnion(p.firstBytes!) }
            firstBytes = set
        } else {
            firstBytes = nil
        }
        if let r = d.regex {
            do { regex = try CompiledRegex(r) } catch { throw fail("invalid regex '\(r)': \(error.message)") }
        } else {
            regex = nil
        }
        slotCapacity = max(2, 2 * (compiled.map(\.slots.count).max() ?? 0))
        var names = Set(compiled.flatMap { $0.slots.map(\.name) })
        names.formUnion(regex?.names ?? [])
        captureNames = names
        kv = d.kv.map(KeyValueParser.init)
        json = d.json
        sourceCapture = d.kv?.from ?? d.json?.from
        if let from = sourceCapture, !names.contains(from) {
            throw fail("'\(d.kv != nil ? "kv" : "json").from' names '\(from)', which no pattern captures")
        }
        joins = d.join.map { ($0, KeyGlob([$0.keys])) }
        do { renamer = try Renamer(d.rename) } catch { throw fail(error.message) }
        var parses: [(String, [Pattern])] = []
        for p in d.parse {
            var list: [Pattern] = []
            for source in p.patterns {
                do { list.append(try Pattern(source)) } catch { throw fail("parse.\(p.field) '\(source)': \(error.message)") }
            }
            parses.append((p.field, list))
        }
        self.parses = parses
        maps = d.map
        var sets: [(String, FieldTemplate)] = []
        for s in d.set {
            do { sets.append((s.field, try FieldTemplate(s.value))) } catch { throw fail("set.\(s.field): \(error.message)") }
        }
        self.sets = sets
    }

    func apply(_ msg: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, fields: inout [String: String], app: String?) -> Outcome {
        if let firstBytes {
            guard start < end, firstBytes.contains(msg[start]) else { return .noMatch }
        }
        if !prematch.isEmpty {
            let found = prematch.withUnsafeBufferPointer { ByteSearch.first($0, in: msg, from: start, maxStart: end - $0.count) != nil }
            guard found else { return .noMatch }
        }
        var body: Range<Int>?
        var source: Range<Int>?
        if !patterns.isEmpty {
            let matched = withUnsafeTemporaryAllocation(of: Int.self, capacity: slotCapacity) { caps -> Bool in
                for (n, p) in patterns.enumerated() {
                    let slots = p.slots
                    for s in 0..<(slots.count * 2) { caps[s] = -1 }
                    guard p.match(msg, start, end, caps) else { continue }
                    if fields.isEmpty { fields.reserveCapacity(slots.count + sets.count) }
                    let roles = self.roles[n]
                    for k in 0..<slots.count {
                        let s = caps[2 * k]
                        guard s >= 0 else { continue }
                        let e = caps[2 * k + 1]
                        switch roles[k] {
                        case .body: body = s..<e
                        case .source: source = s..<e
                        case .field: Self.emit(slots[k], msg, s, e, into: &fields)
                        }
                    }
                    return true
                }
                return false
            }
            guard matched else { return .noMatch }
        } else if let regex {
            guard let groups = regex.match(msg, start, end) else { return .noMatch }
            for (name, r) in groups {
                if name == "body" { body = r; continue }
                if name == sourceCapture { source = r; continue }
                if r.isEmpty { continue }
                fields[name] = String(decoding: UnsafeBufferPointer(rebasing: msg[r]), as: UTF8.self)
            }
        }
        let structural = !patterns.isEmpty || regex != nil
        if let kv {
            if let r = kv.from == nil ? start..<end : source {
                let n = kv.parse(msg, r.lowerBound, r.upperBound, into: &fields)
                if n == 0, !structural { return .noMatch }
            }
        } else if let json {
            if let r = json.from == nil ? start..<end : source {
                guard JSONFlattener.flatten(UnsafeBufferPointer(rebasing: msg[r]), into: &fields) else { return .noMatch }
            }
        }
        if !joins.isEmpty { join(&fields) }
        if !renamer.isEmpty { renamer.apply(&fields) }
        if !parses.isEmpty { parseFields(&fields) }
        for m in maps { Self.map(m, &fields) }
        for (field, template) in sets {
            if let v = template.render(fields, app: app), !v.isEmpty { fields[field] = v }
        }
        for f in definition.drop { fields.removeValue(forKey: f) }
        return .matched(body: body)
    }

    /// Keeps a capture as a field: numbers lose their padding and a `+`; text is kept exactly (a
    /// user name " 0101" is not "0101"); empty values and `-` in `?` captures mean absent.
    @inline(__always)
    static func emit(_ slot: Pattern.Slot, _ msg: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, into fields: inout [String: String]) {
        var s = s
        if slot.type == .int || slot.type == .float {
            while s < e, msg[s] == 0x20 || msg[s] == 0x2B { s += 1 }
        }
        guard e > s else { return }
        if slot.dashIsAbsent, e == s + 1, msg[s] == 0x2D { return }
        fields[slot.name] = String(decoding: UnsafeBufferPointer(rebasing: msg[s..<e]), as: UTF8.self)
    }

    private func join(_ fields: inout [String: String]) {
        for (rule, keys) in joins {
            let parts = fields.keys.filter(keys.matches).sorted { KeyGlob.number(in: $0) < KeyGlob.number(in: $1) }
            guard !parts.isEmpty else { continue }
            let value = parts.compactMap { fields[$0] }.joined(separator: rule.separator)
            for p in parts { fields.removeValue(forKey: p) }
            fields[rule.field] = value
        }
    }

    private func parseFields(_ fields: inout [String: String]) {
        for (field, list) in parses {
            guard var value = fields[field] else { continue }
            let slots = list.map(\.slots.count).max() ?? 0
            value.withUTF8 { buf in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: max(2, slots * 2)) { caps in
                    for p in list {
                        for s in 0..<(p.slots.count * 2) { caps[s] = -1 }
                        guard p.match(buf, 0, buf.count, caps) else { continue }
                        fields.removeValue(forKey: field)
                        for (k, slot) in p.slots.enumerated() where caps[2 * k] >= 0 {
                            Self.emit(slot, buf, caps[2 * k], caps[2 * k + 1], into: &fields)
                        }
                        return
                    }
                }
            }
        }
    }

    /// Table lookup on the first present source; `default` applies only when a source is present.
    private static func map(_ m: FieldMap, _ fields: inout [String: String]) {
        let sources = m.from.isEmpty ? [m.field] : m.from
        var found: String?
        for s in sources { if let v = fields[s] { found = v; break } }
        guard let value = found else { return }
        if let mapped = m.values[value] {
            if mapped.isEmpty { fields.removeValue(forKey: m.field) } else { fields[m.field] = mapped }
        } else if let d = m.defaultValue {
            fields[m.field] = d
        }
    }
}

/// `rename:` compiled. All sources are taken out first, so `{user: target_user, ruser: user}`
/// swaps roles instead of chaining.
struct Renamer: Sendable {
    struct Target: Sendable {
        var name: String
        var type: CaptureType?
    }

    private let exact: [(from: String, to: [Target])]
    /// `"fields.*": "*"` — keys with the prefix lose it (or get another).
    private let prefixes: [(from: String, to: String)]

    var isEmpty: Bool { exact.isEmpty && prefixes.isEmpty }

    init(_ rules: [RenameRule]) throws(PatternError) {
        var exact: [(String, [Target])] = []
        var prefixes: [(String, String)] = []
        for r in rules {
            if r.from.hasSuffix("*") {
                guard r.to.count == 1, r.to[0].hasSuffix("*") else {
                    throw PatternError(message: "rename '\(r.from)' renames a prefix, so its target must be one name ending in '*'")
                }
                prefixes.append((String(r.from.dropLast()), String(r.to[0].dropLast())))
                continue
            }
            var targets: [Target] = []
            for t in r.to {
                let parts = t.split(separator: ":", maxSplits: 1).map(String.init)
                guard let name = parts.first, PatternParser.isValidName(name) else {
                    throw PatternError(message: "rename '\(r.from)': invalid target '\(t)'")
                }
                var type: CaptureType?
                if parts.count == 2 {
                    guard let ty = CaptureType(rawValue: parts[1]) else {
                        let known = CaptureType.allCases.map(\.rawValue).joined(separator: ", ")
                        throw PatternError(message: "rename '\(r.from)': unknown type '\(parts[1])' (known types: \(known))")
                    }
                    type = ty
                }
                targets.append(Target(name: name, type: type))
            }
            exact.append((r.from, targets))
        }
        self.exact = exact
        self.prefixes = prefixes
    }

    func apply(_ fields: inout [String: String]) {
        var moved: [(from: String, to: [Target], value: String)] = []
        for (from, to) in exact {
            if let v = fields.removeValue(forKey: from) { moved.append((from, to, v)) }
        }
        if !prefixes.isEmpty {
            for key in Array(fields.keys) {
                guard let p = prefixes.first(where: { key.hasPrefix($0.from) && key.count > $0.from.count }) else { continue }
                let v = fields.removeValue(forKey: key)!
                moved.append((key, [Target(name: p.to + key.dropFirst(p.from.count), type: nil)], v))
            }
        }
        for (from, to, value) in moved {
            if let t = to.first(where: { $0.type?.accepts(value) ?? true }) {
                fields[t.name] = value
            } else {
                fields[from] = value
            }
        }
    }
}

/// `regex:` compiled: NSRegularExpression with named groups, run on the message text.
struct CompiledRegex: Sendable {
    let regex: NSRegularExpression
    /// Field names of the groups; the expression itself calls them g0, g1, … because ICU allows
    /// only ASCII letters and digits in group names, and field names have underscores.
    let names: [String]

    init(_ source: String) throws(PatternError) {
        let (rewritten, names) = Self.renameGroups(source)
        guard !names.isEmpty else { throw PatternError(message: "it has no named group such as (?<user>\\S+)") }
        do {
            regex = try NSRegularExpression(pattern: rewritten)
        } catch {
            throw PatternError(message: "\(error.localizedDescription)")
        }
        self.names = names
    }

    /// Finds named groups `(?<name>` (not look-behinds `(?<=` / `(?<!`) and numbers them.
    static func renameGroups(_ source: String) -> (String, [String]) {
        var names: [String] = []
        var out: [UInt8] = []
        let s = Array(source.utf8)
        var i = 0
        while i < s.count {
            if s[i] == 0x5C, i + 1 < s.count {
                out.append(s[i]); out.append(s[i + 1]); i += 2
                continue
            }
            if i + 3 < s.count, s[i] == 0x28, s[i + 1] == 0x3F, s[i + 2] == 0x3C, ByteClass.isAlpha(s[i + 3]) {
                var j = i + 3
                while j < s.count, s[j] != 0x3E { j += 1 }
                out.append(contentsOf: Array("(?<g\(names.count)".utf8))
                names.append(String(decoding: s[(i + 3)..<j], as: UTF8.self))
                i = j
                continue
            }
            out.append(s[i])
            i += 1
        }
        return (String(decoding: out, as: UTF8.self), names)
    }

    /// Byte ranges (in `msg`) of the named groups that took part in the first match.
    func match(_ msg: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [(String, Range<Int>)]? {
        let text = String(decoding: UnsafeBufferPointer(rebasing: msg[start..<end]), as: UTF8.self)
        let ns = text as NSString
        guard let m = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { return nil }
        var out: [(String, Range<Int>)] = []
        for (n, name) in names.enumerated() {
            let r = m.range(withName: "g\(n)")
            guard r.location != NSNotFound, let sr = Range(r, in: text) else { continue }
            let lo = text.utf8.distance(from: text.startIndex, to: sr.lowerBound)
            let hi = text.utf8.distance(from: text.startIndex, to: sr.upperBound)
            out.append((name, (start + lo)..<(start + hi)))
        }
        return out
    }
}
