import Foundation
import Yams

/// A loaded rule pack: detection rules compiled against a log-source mapping, correlation rules
/// with their references resolved, and the rules left out (with why).
public struct RuleSet: Sendable {
    /// One rule file's text and where it came from (used in every error message).
    public struct Source: Sendable {
        public var origin: String
        public var text: String

        public init(origin: String, text: String) {
            self.origin = origin
            self.text = text
        }
    }

    public private(set) var rules: [SigmaRule] = []
    public private(set) var correlations: [CorrelationRule] = []
    /// Rules read but left out (unsupported log source, or a correlation over such a rule).
    public private(set) var skipped: [RuleLoadIssue] = []
    public let mapping: LogsourceMapping
    /// Ids and names of skipped rules, so that references to them are recognised.
    private var skippedKeys: Set<String> = []

    init(mapping: LogsourceMapping) {
        self.mapping = mapping
    }

    /// Loads one file's YAML documents (a file may hold several, separated by `---`).
    public static func load(yamlDocuments: String, origin: String, mapping: LogsourceMapping? = nil,
                            strict: Bool = false) throws -> RuleSet {
        try load(sources: [Source(origin: origin, text: yamlDocuments)], mapping: mapping, strict: strict)
    }

    /// Loads several files as one pack, so that correlations may refer to rules of other files.
    /// With `strict`, a rule with an unmapped log source is an error instead of a skipped rule.
    public static func load(sources: [Source], mapping: LogsourceMapping? = nil, strict: Bool = false) throws -> RuleSet {
        var set = RuleSet(mapping: try mapping ?? LogsourceMapping.shipped())
        for source in sources {
            let parser = RuleDocumentParser(origin: source.origin, mapping: set.mapping)
            var docs: [Node] = []
            do {
                // Parser directly: compose_all's sequence would end quietly at a syntax error.
                let yaml = try Parser(yaml: source.text)
                while let doc = try yaml.nextRoot() { docs.append(doc) }
            } catch {
                throw RuleLoadError(origin: source.origin, problem: "not valid YAML: \(error)")
            }
            if docs.isEmpty { throw RuleLoadError(origin: source.origin, problem: "the file holds no rule") }
            for (i, doc) in docs.enumerated() {
                switch try parser.parse(doc, index: i) {
                case .detection(let rule): set.rules.append(rule)
                case .correlation(let rule): set.correlations.append(rule)
                case .unsupported(let issue, let name):
                    if strict { throw RuleLoadError(origin: issue.origin, rule: "'\(issue.title)' (\(issue.ruleID))", problem: issue.problem) }
                    set.skipped.append(issue)
                    set.skippedKeys.insert(issue.ruleID)
                    if let name { set.skippedKeys.insert(name) }
                }
            }
        }
        try set.resolve(strict: strict)
        return set
    }

    /// Loads every `.yml`/`.yaml` rule file under a folder, in path order.
    public static func load(directory: URL, mapping: LogsourceMapping? = nil, strict: Bool = false) throws -> RuleSet {
        try load(sources: sources(in: directory), mapping: mapping, strict: strict)
    }

    /// The rule files under a folder, in path order, each named by its path below the folder.
    static func sources(in directory: URL) throws -> [Source] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw RuleLoadError(origin: directory.path, problem: "cannot read the rule folder")
        }
        var files: [URL] = []
        for case let url as URL in walker where ["yml", "yaml"].contains(url.pathExtension.lowercased()) {
            files.append(url)
        }
        files.sort { $0.path < $1.path }
        let base = directory.standardizedFileURL.path
        var sources: [Source] = []
        for url in files {
            let path = url.standardizedFileURL.path
            let relative = path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
            do {
                sources.append(Source(origin: relative, text: try String(contentsOf: url, encoding: .utf8)))
            } catch {
                throw RuleLoadError(origin: relative, problem: "cannot read: \(error.localizedDescription)")
            }
        }
        return sources
    }

    /// The shipped pack plus an operator's own rules, loaded as one pack so their correlations
    /// may build on shipped rules. An operator rule whose log source has no mapping is skipped
    /// (listed in `skipped`), not fatal: one bad local rule must not stop detection.
    public static func shipped(operatorDirectory: URL?) throws -> RuleSet {
        guard let operatorDirectory else { return try shipped() }
        guard let dir = ShippedRules.directory?.appendingPathComponent("sigma") else {
            throw RuleLoadError(origin: "Rules/sigma", problem: "the shipped rules are missing from the bundle")
        }
        let own = try sources(in: operatorDirectory).map { Source(origin: "\(operatorDirectory.lastPathComponent)/\($0.origin)", text: $0.text) }
        return try load(sources: try sources(in: dir) + own, mapping: try LogsourceMapping.shipped(), strict: false)
    }

    /// The rule pack shipped with anyun (`Rules/sigma`), with the shipped mapping.
    public static func shipped() throws -> RuleSet {
        guard let dir = ShippedRules.directory?.appendingPathComponent("sigma") else {
            throw RuleLoadError(origin: "Rules/sigma", problem: "the shipped rules are missing from the bundle")
        }
        return try load(directory: dir, mapping: try LogsourceMapping.shipped(), strict: true)
    }

    /// A detection rule by id or name.
    public func rule(_ idOrName: String) -> SigmaRule? {
        rules.first { $0.info.id == idOrName || $0.info.name == idOrName }
    }

    /// A correlation rule by id or name.
    public func correlation(_ idOrName: String) -> CorrelationRule? {
        correlations.first { $0.info.id == idOrName || $0.info.name == idOrName }
    }

    public var allInfo: [RuleInfo] { rules.map(\.info) + correlations.map(\.info) }

    // MARK: resolution

    private mutating func resolve(strict: Bool) throws {
        var byKey: [String: RuleRef] = [:]
        var seenIDs: [String: String] = [:]
        var seenNames: [String: String] = [:]
        func register(_ info: RuleInfo, _ ref: RuleRef) throws {
            if let other = seenIDs[info.id] {
                throw RuleLoadError(origin: info.origin, rule: info.label, problem: "id \(info.id) is already used by a rule in \(other)")
            }
            seenIDs[info.id] = info.origin
            byKey[info.id] = ref
            if let name = info.name {
                if let other = seenNames[name] {
                    throw RuleLoadError(origin: info.origin, rule: info.label, problem: "name '\(name)' is already used by a rule in \(other)")
                }
                seenNames[name] = info.origin
                byKey[name] = ref
            }
        }
        for (i, r) in rules.enumerated() { try register(r.info, .detection(i)) }
        for (i, c) in correlations.enumerated() { try register(c.info, .correlation(i)) }

        // Resolve references; correlations over skipped rules are skipped too (repeat until stable).
        var keep = Array(repeating: true, count: correlations.count)
        var changed = true
        while changed {
            changed = false
            for (i, c) in correlations.enumerated() where keep[i] {
                var sources: [RuleRef] = []
                var missing: String?
                for ref in c.ruleReferences {
                    if let r = byKey[ref] {
                        if case .correlation(let j) = r, !keep[j] { missing = ref; break }
                        sources.append(r)
                    } else if skippedKeys.contains(ref) {
                        missing = ref
                        break
                    } else {
                        throw RuleLoadError(origin: c.info.origin, rule: c.info.label,
                                            problem: "refers to rule '\(ref)', which is not loaded (refer to rules by id or name)")
                    }
                }
                if let missing {
                    let problem = "refers to rule '\(missing)', which was skipped"
                    if strict { throw RuleLoadError(origin: c.info.origin, rule: c.info.label, problem: problem) }
                    skipped.append(RuleLoadIssue(origin: c.info.origin, ruleID: c.info.id, title: c.info.title, problem: problem))
                    keep[i] = false
                    changed = true
                } else {
                    correlations[i].sources = sources
                }
            }
        }
        // Drop skipped correlations, renumbering references.
        if keep.contains(false) {
            var newIndex: [Int: Int] = [:]
            var kept: [CorrelationRule] = []
            for (i, c) in correlations.enumerated() where keep[i] {
                newIndex[i] = kept.count
                kept.append(c)
            }
            for i in kept.indices {
                kept[i].sources = kept[i].sources.map { ref in
                    if case .correlation(let j) = ref { return .correlation(newIndex[j]!) }
                    return ref
                }
            }
            correlations = kept
        }
        try checkCycles()
        for c in correlations where c.kind == .temporal || c.kind == .temporalOrdered {
            if Set(c.sources).count != c.sources.count {
                throw RuleLoadError(origin: c.info.origin, rule: c.info.label, problem: "lists the same rule twice")
            }
        }
    }

    private func checkCycles() throws {
        // 0 unvisited, 1 on the current path, 2 done.
        var state = Array(repeating: 0, count: correlations.count)
        func visit(_ i: Int) throws {
            if state[i] == 2 { return }
            if state[i] == 1 {
                let c = correlations[i]
                throw RuleLoadError(origin: c.info.origin, rule: c.info.label, problem: "correlation rules refer to each other in a cycle")
            }
            state[i] = 1
            for case .correlation(let j) in correlations[i].sources { try visit(j) }
            state[i] = 2
        }
        for i in correlations.indices { try visit(i) }
    }
}
