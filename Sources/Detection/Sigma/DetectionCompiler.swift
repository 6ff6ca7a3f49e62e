import Foundation
import Yams

/// Compiles a rule's `detection` section into one `Matcher`.
struct DetectionCompiler {
    struct Problem: Error {
        let message: String
        let line: Int?
    }

    /// Where a field name used by the rule reads from (after the log source's field mapping).
    let resolve: (String) -> FieldAccessor

    func compile(_ detection: Node) throws(Problem) -> Matcher {
        guard let pairs = detection.pairs else { throw Problem(message: "`detection` must be a map of selections and a condition", line: detection.line) }
        var selections: [(name: String, matcher: Matcher)] = []
        var conditionNode: Node?
        for (name, value) in pairs {
            switch name {
            case "condition": conditionNode = value
            case "timeframe": continue  // only meaningful with the obsolete aggregations
            default:
                if selections.contains(where: { $0.name == name }) {
                    throw Problem(message: "selection '\(name)' is defined twice", line: value.line)
                }
                selections.append((name, try compileSearch(name, value)))
            }
        }
        guard let conditionNode else { throw Problem(message: "`detection` has no `condition`", line: detection.line) }
        guard let conditionTexts = conditionNode.stringList, !conditionTexts.isEmpty else {
            throw Problem(message: "`condition` must be a string (or a list of strings)", line: conditionNode.line)
        }
        var alternatives: [Matcher] = []
        for text in conditionTexts {
            let parsed: SigmaCondition
            do { parsed = try SigmaCondition.parse(text) } catch {
                throw Problem(message: error.message, line: conditionNode.line)
            }
            alternatives.append(try build(parsed, selections, line: conditionNode.line))
        }
        let matcher = alternatives.count == 1 ? alternatives[0] : .or(alternatives)
        return matcher.optimized()
    }

    private func build(_ c: SigmaCondition, _ selections: [(name: String, matcher: Matcher)], line: Int?) throws(Problem) -> Matcher {
        switch c {
        case .identifier(let name):
            guard let s = selections.first(where: { $0.name == name }) else {
                let known = selections.map(\.name).joined(separator: ", ")
                throw Problem(message: "the condition uses '\(name)', which is not a selection of this rule (defined: \(known))", line: line)
            }
            return s.matcher
        case .and(let a, let b):
            return .and([try build(a, selections, line: line), try build(b, selections, line: line)])
        case .or(let a, let b):
            return .or([try build(a, selections, line: line), try build(b, selections, line: line)])
        case .not(let a):
            return .not(try build(a, selections, line: line))
        case .of(let count, let pattern):
            let chosen: [Matcher]
            if pattern == "them" {
                chosen = selections.filter { !$0.name.hasPrefix("_") }.map(\.matcher)
            } else {
                chosen = selections.filter { identifierPatternMatches(pattern, $0.name) }.map(\.matcher)
            }
            let quantity = count.map(String.init) ?? "all"
            guard !chosen.isEmpty else {
                throw Problem(message: "'\(quantity) of \(pattern)' matches no selection of this rule", line: line)
            }
            guard let count else { return .and(chosen) }
            if count == 1 { return .or(chosen) }
            guard count <= chosen.count else {
                throw Problem(message: "'\(count) of \(pattern)' asks for more selections than the \(chosen.count) it matches", line: line)
            }
            return .atLeast(count, chosen)
        }
    }

    // MARK: search identifiers

    private func compileSearch(_ name: String, _ node: Node) throws(Problem) -> Matcher {
        switch node {
        case .mapping:
            return try compileMap(node)
        case .sequence:
            let items = node.items ?? []
            guard !items.isEmpty else { throw Problem(message: "selection '\(name)' is an empty list", line: node.line) }
            if items.allSatisfy({ if case .mapping = $0 { return true } else { return false } }) {
                var maps: [Matcher] = []
                for item in items { maps.append(try compileMap(item)) }
                return .or(maps)
            }
            if items.allSatisfy({ if case .scalar = $0 { return true } else { return false } }) {
                return .check(try fieldCheck(key: "", values: node, line: node.line))
            }
            throw Problem(message: "selection '\(name)' mixes maps and plain values; use a list of maps (OR of field sets) or a list of keywords", line: node.line)
        case .scalar:
            if node.isNull { throw Problem(message: "selection '\(name)' is empty", line: node.line) }
            return .check(try fieldCheck(key: "", values: node, line: node.line))
        case .alias:
            throw Problem(message: "YAML aliases are not supported in selections", line: node.line)
        }
    }

    private func compileMap(_ node: Node) throws(Problem) -> Matcher {
        guard let pairs = node.pairs, !pairs.isEmpty else { throw Problem(message: "empty selection map", line: node.line) }
        var checks: [Matcher] = []
        for (key, value) in pairs {
            checks.append(.check(try fieldCheck(key: key, values: value, line: value.line ?? node.line)))
        }
        return checks.count == 1 ? checks[0] : .and(checks)
    }

    // MARK: field|modifiers: values

    private enum Kind: Equatable {
        case equals, contains, startswith, endswith, re, cidr, exists, fieldref
        case compare(NumericComparison)
    }

    private func fieldCheck(key: String, values node: Node, line: Int?) throws(Problem) -> FieldCheck {
        let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let field = parts[0]
        let isKeyword = field.isEmpty
        var kind: Kind?
        var all = false, cased = false, negated = false
        var base64 = false, base64offset = false, windash = false
        var regexOptions: NSRegularExpression.Options = []
        func setKind(_ k: Kind, _ name: String) throws(Problem) {
            if let kind, kind != k { throw Problem(message: "modifier '\(name)' conflicts with an earlier one on '\(key)'", line: line) }
            kind = k
        }
        for m in parts.dropFirst() {
            switch m {
            case "contains": try setKind(.contains, m)
            case "startswith": try setKind(.startswith, m)
            case "endswith": try setKind(.endswith, m)
            case "re": try setKind(.re, m)
            case "i", "m", "s":
                guard kind == .re else { throw Problem(message: "modifier '\(m)' must follow 're' (in '\(key)')", line: line) }
                regexOptions.insert(m == "i" ? .caseInsensitive : m == "m" ? .anchorsMatchLines : .dotMatchesLineSeparators)
            case "cidr": try setKind(.cidr, m)
            case "exists": try setKind(.exists, m)
            case "fieldref": try setKind(.fieldref, m)
            case "gt", "gte", "lt", "lte": try setKind(.compare(NumericComparison(rawValue: m)!), m)
            case "all": all = true
            case "cased": cased = true
            case "neq": negated = true
            case "base64": base64 = true
            case "base64offset": base64offset = true
            case "windash": windash = true
            case "wide", "utf16", "utf16le", "utf16be", "expand", "minute", "hour", "day", "week", "month", "year":
                throw Problem(message: "modifier '\(m)' (in '\(key)') is not supported by anyun's engine", line: line)
            default:
                throw Problem(message: "unknown modifier '\(m)' in '\(key)'", line: line)
            }
        }
        let accessor: FieldAccessor = isKeyword ? .message : resolve(field)
        let valueNodes: [Node]
        if case .sequence = node {
            valueNodes = node.items ?? []
            guard !valueNodes.isEmpty else { throw Problem(message: "'\(key)' has an empty value list", line: line) }
        } else {
            valueNodes = [node]
        }
        if all && valueNodes.count < 2 {
            throw Problem(message: "'all' in '\(key)' needs a list of at least two values", line: line)
        }
        // Keywords are searched anywhere in the message.
        let effectiveKind = kind ?? (isKeyword ? .contains : .equals)
        if base64offset && effectiveKind != .contains {
            throw Problem(message: "'base64offset' in '\(key)' must be used with 'contains'", line: line)
        }
        if (base64 || base64offset || windash) && ![.equals, .contains, .startswith, .endswith].contains(effectiveKind) {
            throw Problem(message: "encoding modifiers in '\(key)' apply to plain string matches only", line: line)
        }

        var tests: [ValueTest] = []
        for v in valueNodes {
            guard case .scalar = v else {
                throw Problem(message: "'\(key)' values must be plain values, not maps or lists", line: v.line ?? line)
            }
            let text = v.text
            switch effectiveKind {
            case .exists:
                guard valueNodes.count == 1, v.isPlainBool, let t = text else {
                    throw Problem(message: "'exists' in '\(key)' needs exactly one true or false", line: line)
                }
                tests.append(.exists(["true", "yes", "on"].contains(t.lowercased())))
            case .compare(let op):
                guard let t = text, let number = Double(t) else {
                    throw Problem(message: "'\(op.rawValue)' in '\(key)' needs a number, got '\(text ?? "null")'", line: line)
                }
                tests.append(.compare(op, number))
            case .cidr:
                guard let t = text, let block = CIDRBlock(t) else {
                    throw Problem(message: "'\(text ?? "null")' in '\(key)' is not an IPv4 or IPv6 network", line: line)
                }
                tests.append(.cidr(block))
            case .re:
                guard let t = text else { throw Problem(message: "'re' in '\(key)' needs a pattern", line: line) }
                do {
                    tests.append(.regex(RegexTest(regex: try NSRegularExpression(pattern: t, options: regexOptions))))
                } catch {
                    throw Problem(message: "bad regular expression '\(t)' in '\(key)'", line: line)
                }
            case .fieldref:
                guard let t = text else { throw Problem(message: "'fieldref' in '\(key)' needs a field name", line: line) }
                tests.append(.fieldRef(resolve(t), caseSensitive: cased))
            case .equals, .contains, .startswith, .endswith:
                guard let t = text else {
                    tests.append(.isNull)
                    continue
                }
                var variants = [t]
                var caseSensitive = cased
                if base64 || base64offset {
                    guard let literal = SigmaString.literal(t) else {
                        throw Problem(message: "'\(key)': wildcards cannot be combined with base64 encoding", line: line)
                    }
                    variants = (base64offset ? SigmaString.base64Offsets(literal) : [SigmaString.base64(literal)]).map(SigmaString.escaped)
                    caseSensitive = true  // base64 text is case-sensitive by nature
                }
                var group: [ValueTest] = []
                for variant in variants {
                    var pieces = SigmaString.pieces(caseSensitive ? variant : variant.lowercased(), windash: windash)
                    switch effectiveKind {
                    case .contains: pieces = [.star] + pieces + [.star]
                    case .startswith: pieces += [.star]
                    case .endswith: pieces = [.star] + pieces
                    default: break
                    }
                    let pattern = TextPattern(pieces: pieces, caseSensitive: caseSensitive)
                    if effectiveKind == .equals && !base64 && !windash && v.isPlainNumber, let number = Double(t) {
                        group.append(.number(number, pattern))
                    } else {
                        group.append(.text(pattern))
                    }
                }
                if group.count == 1 {
                    tests.append(group[0])
                } else {
                    tests.append(.anyOf(group))
                }
            }
        }
        return FieldCheck(accessor: accessor, tests: tests.sorted { $0.cost < $1.cost }, all: all, negated: negated)
    }
}
