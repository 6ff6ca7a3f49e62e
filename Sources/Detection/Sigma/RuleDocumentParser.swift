import AnyunCore
import Yams

/// Reads one YAML document of a rule file into a detection or correlation rule.
struct RuleDocumentParser {
    enum Parsed {
        case detection(SigmaRule)
        case correlation(CorrelationRule)
        case unsupported(RuleLoadIssue, name: String?)
    }

    let origin: String
    let mapping: LogsourceMapping

    func parse(_ doc: Node, index: Int) throws -> Parsed {
        var label: String?
        func fail(_ problem: String, _ node: Node?) -> RuleLoadError {
            RuleLoadError(origin: origin, rule: label, line: node?.line ?? doc.line, problem: problem)
        }
        guard doc.pairs != nil else { throw fail("a rule must be a YAML map", doc) }
        if let action = doc[key: "action"]?.text {
            throw fail("Sigma 1 collection actions ('action: \(action)') are not supported; write each rule as a complete document", doc)
        }
        if doc[key: "filter"] != nil && doc[key: "detection"] == nil {
            throw fail("Sigma filter documents are not supported", doc)
        }
        guard let title = doc[key: "title"]?.text, !title.isEmpty else { throw fail("the rule has no `title`", doc) }
        let name = doc[key: "name"]?.text
        let id = doc[key: "id"]?.text ?? name ?? "\(origin)#\(index + 1)"
        label = "'\(title)' (\(id))"

        func strings(_ key: String) throws -> [String] {
            guard let node = doc[key: key] else { return [] }
            guard let list = node.stringList else { throw fail("`\(key)` must be a list of strings", node) }
            return list
        }
        let levelText = doc[key: "level"]?.text
        var level = Severity.medium
        if let levelText {
            guard let l = Severity(sigmaLevel: levelText) else {
                throw fail("unknown level '\(levelText)' (informational, low, medium, high, critical)", doc[key: "level"])
            }
            level = l
        }
        let tags = try strings("tags")
        let anyun = doc[key: "anyun"]
        if let anyun, anyun.pairs == nil { throw fail("`anyun` must be a map (title_zh, description_zh, summary_zh, category)", anyun) }
        var template: SummaryTemplate?
        if let t = anyun?[key: "summary_zh"]?.text {
            do { template = try SummaryTemplate(t) } catch { throw fail(error.message, anyun?[key: "summary_zh"]) }
        }
        let info = RuleInfo(
            id: id, name: name, title: title, status: doc[key: "status"]?.text,
            description: doc[key: "description"]?.text, references: try strings("references"),
            author: doc[key: "author"]?.text, date: doc[key: "date"]?.text, modified: doc[key: "modified"]?.text,
            tags: tags, falsepositives: try strings("falsepositives"), level: level,
            titleZh: anyun?[key: "title_zh"]?.text ?? doc[key: "title_zh"]?.text,
            descriptionZh: anyun?[key: "description_zh"]?.text ?? doc[key: "description_zh"]?.text,
            category: anyun?[key: "category"]?.text ?? RuleCategory.derive(tags: tags),
            origin: origin, summaryTemplate: template)

        if let correlation = doc[key: "correlation"] {
            if doc[key: "detection"] != nil { throw fail("a document has either `detection` or `correlation`, not both", doc) }
            return .correlation(try parseCorrelation(correlation, info: info, doc: doc, fail: fail))
        }
        guard let detection = doc[key: "detection"] else { throw fail("the rule has neither `detection` nor `correlation`", doc) }
        guard let lsNode = doc[key: "logsource"], let lsPairs = lsNode.pairs else { throw fail("the rule has no `logsource` map", doc) }
        var logsource = SigmaLogsource()
        for (k, v) in lsPairs {
            switch k {
            case "product": logsource.product = v.text?.lowercased()
            case "category": logsource.category = v.text?.lowercased()
            case "service": logsource.service = v.text?.lowercased()
            default: continue  // definition, custom keys: informative only
            }
        }
        if logsource.isEmpty { throw fail("`logsource` names no product, category or service", lsNode) }
        let entry = mapping.entryIndex(for: logsource)
        let names = FieldNames(mapping: mapping, entry: entry)
        // Compile even an unsupported rule, so that its errors are reported too.
        let matcher: Matcher
        do {
            matcher = try DetectionCompiler(resolve: names.accessor).compile(detection)
        } catch {
            throw RuleLoadError(origin: origin, rule: label, line: error.line, problem: error.message)
        }
        guard let entry else {
            return .unsupported(RuleLoadIssue(origin: origin, ruleID: id, title: title,
                                              problem: "no log-source mapping for \(logsource)"), name: name)
        }
        return .detection(SigmaRule(info: info, logsource: logsource, fields: try strings("fields"), matcher: matcher,
                                    gate: mapping.entries[entry].gate, gateIndex: entry, fieldNames: names))
    }

    private func parseCorrelation(_ node: Node, info: RuleInfo, doc: Node, fail: (String, Node?) -> RuleLoadError) throws -> CorrelationRule {
        guard node.pairs != nil else { throw fail("`correlation` must be a map", node) }
        guard let typeText = node[key: "type"]?.text else { throw fail("the correlation has no `type`", node) }
        guard let kind = CorrelationRule.Kind(rawValue: typeText) else {
            let known = CorrelationRule.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("unknown correlation type '\(typeText)' (\(known))", node[key: "type"])
        }
        guard let refs = node[key: "rules"]?.stringList, !refs.isEmpty else {
            throw fail("the correlation needs `rules`: the ids or names of the rules it relates", node)
        }
        var groupBy: [String] = []
        if let g = node[key: "group-by"] {
            guard let list = g.stringList else { throw fail("`group-by` must be a list of field names", g) }
            groupBy = list
        }
        var timespan: Int64?
        if let t = node[key: "timespan"] {
            guard let text = t.text, let span = Timespan.parse(text) else {
                throw fail("bad timespan '\(t.text ?? "")': use a number and s, m, h or d, like 60s or 5m", t)
            }
            timespan = span
        }
        var condition: CountCondition?
        var valueField: String?
        if let c = node[key: "condition"] {
            guard let pairs = c.pairs, !pairs.isEmpty else { throw fail("the correlation `condition` must be a map like {gte: 5}", c) }
            var cond = CountCondition()
            for (k, v) in pairs {
                if k == "field" {
                    guard let f = v.text else { throw fail("condition `field` must be a field name", v) }
                    valueField = f
                    continue
                }
                guard let text = v.text, let n = Int(text) else { throw fail("condition `\(k)` needs a whole number", v) }
                switch k {
                case "gt": cond.gt = n
                case "gte": cond.gte = n
                case "lt": cond.lt = n
                case "lte": cond.lte = n
                case "eq": cond.eq = n
                default: throw fail("unknown condition key '\(k)' (gt, gte, lt, lte, eq, field)", v)
                }
            }
            condition = cond
        }
        var aliases: [String: [String: String]] = [:]
        if let a = node[key: "aliases"] {
            guard let pairs = a.pairs else { throw fail("`aliases` must map alias names to {rule name: field}", a) }
            for (alias, map) in pairs {
                guard let mp = map.pairs else { throw fail("alias '\(alias)' must map rule names to field names", map) }
                var m: [String: String] = [:]
                for (r, f) in mp {
                    guard let f = f.text else { throw fail("alias '\(alias)': field for '\(r)' must be a name", map) }
                    m[r] = f
                }
                aliases[alias] = m
            }
        }
        let generateNode = node[key: "generate"] ?? doc[key: "generate"]
        let generate = generateNode?.text.map { ["true", "yes", "on"].contains($0.lowercased()) } ?? false
        var learning: Int64 = 0

        switch kind {
        case .eventCount, .valueCount:
            guard timespan != nil else { throw fail("\(kind.rawValue) needs a `timespan`", node) }
            guard let condition else { throw fail("\(kind.rawValue) needs a `condition` like {gte: 5}", node) }
            guard condition.hasLowerBound else {
                throw fail("condition {\(condition)} has no lower bound (gt, gte or eq); counts below a limit need the window to close and are not supported", node[key: "condition"])
            }
            if kind == .valueCount && valueField == nil { throw fail("value_count needs `field` in its condition", node[key: "condition"]) }
            if kind == .eventCount && valueField != nil { throw fail("`field` belongs to value_count, not event_count", node[key: "condition"]) }
        case .temporal, .temporalOrdered:
            guard timespan != nil else { throw fail("\(kind.rawValue) needs a `timespan`", node) }
            if let condition, !condition.hasLowerBound {
                throw fail("condition {\(condition)} has no lower bound (gt, gte or eq)", node[key: "condition"])
            }
        case .newValue:
            guard let f = node[key: "new"]?.text ?? valueField else {
                throw fail("new_value needs `new`: the field whose value must be new for its group", node)
            }
            valueField = f
            if let l = node[key: "learning"] {
                guard let text = l.text, let span = Timespan.parse(text) else {
                    throw fail("bad learning period '\(l.text ?? "")': use a number and s, m, h or d, like 7d", l)
                }
                learning = span
            }
            if condition != nil { throw fail("new_value takes no `condition`", node[key: "condition"]) }
            if groupBy.isEmpty, let fields = node[key: "fields"]?.stringList { groupBy = fields }
        }
        return CorrelationRule(info: info, kind: kind, ruleReferences: refs, groupBy: groupBy, timespan: timespan,
                               timespanText: node[key: "timespan"]?.text, condition: condition, valueField: valueField, aliases: aliases, generate: generate,
                               learning: learning)
    }
}
