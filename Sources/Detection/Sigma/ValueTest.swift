import AnyunCore
import Foundation

/// One test of a field's value, compiled from one value of a Sigma selection and its modifiers.
enum ValueTest: Sendable {
    case text(TextPattern)
    /// A YAML number: equal as text, or equal as a number ("4625" and "04625.0" both match 4625).
    case number(Double, TextPattern)
    case compare(NumericComparison, Double)
    case regex(RegexTest)
    case cidr(CIDRBlock)
    /// `null`: the field is absent or empty.
    case isNull
    case exists(Bool)
    case fieldRef(FieldAccessor, caseSensitive: Bool)
    /// The encodings of one value (`base64offset`): any of them.
    case anyOf([ValueTest])

    @inline(__always)
    func test(_ value: String?, _ event: LogEvent) -> Bool {
        switch self {
        case .isNull:
            return value == nil || value!.isEmpty
        case .exists(let wanted):
            return (value != nil) == wanted
        default:
            break
        }
        guard let value else { return false }
        switch self {
        case .text(let pattern):
            return pattern.matches(value)
        case .number(let number, let pattern):
            if pattern.matches(value) { return true }
            guard let first = value.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                    || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return false }
            return Double(value) == number
        case .compare(let op, let bound):
            guard let number = Double(value.trimmingCharacters(in: .whitespaces)) else { return false }
            return op.holds(number, bound)
        case .regex(let regex):
            return regex.matches(value)
        case .cidr(let block):
            return block.contains(value)
        case .fieldRef(let other, let caseSensitive):
            guard let otherValue = other.value(in: event) else { return false }
            if caseSensitive { return value == otherValue }
            return value.lowercased() == otherValue.lowercased()
        case .anyOf(let list):
            for t in list where t.test(value, event) { return true }
            return false
        case .isNull, .exists:
            return false  // handled above
        }
    }

    var cost: Int {
        switch self {
        case .isNull, .exists: return 1
        case .text(let p): return p.cost
        case .number(_, let p): return p.cost + 1
        case .compare: return 4
        case .cidr: return 6
        case .fieldRef: return 6
        case .regex: return 40
        case .anyOf(let list): return list.reduce(0) { $0 + $1.cost }
        }
    }
}

enum NumericComparison: String, Sendable, CaseIterable {
    case gt, gte, lt, lte

    func holds(_ value: Double, _ bound: Double) -> Bool {
        switch self {
        case .gt: return value > bound
        case .gte: return value >= bound
        case .lt: return value < bound
        case .lte: return value <= bound
        }
    }
}

/// `re`: search semantics (the pattern may match anywhere; anchor it with `^…$` to match whole
/// values), case-sensitive unless `re|i`.
struct RegexTest: @unchecked Sendable {
    // NSRegularExpression is immutable once built and documented safe to share between threads.
    let regex: NSRegularExpression

    func matches(_ value: String) -> Bool {
        regex.firstMatch(in: value, options: [], range: NSRange(value.startIndex..., in: value)) != nil
    }
}

/// The compiled test of one `field|modifiers: values` entry of a selection.
struct FieldCheck: Sendable {
    let accessor: FieldAccessor
    let tests: [ValueTest]
    /// `all`: every value must match (default: any).
    let all: Bool
    /// `neq`: the field must match none of the values.
    let negated: Bool

    @inline(__always)
    func matches(_ event: LogEvent) -> Bool {
        let value = accessor.value(in: event)
        var result: Bool
        if all {
            result = true
            for t in tests where !t.test(value, event) {
                result = false
                break
            }
        } else {
            result = false
            for t in tests where t.test(value, event) {
                result = true
                break
            }
        }
        return negated ? !result : result
    }

    var cost: Int {
        let base = tests.reduce(0) { $0 + $1.cost }
        // Scanning a whole message costs more than a short decoded field.
        return accessor.isMessage ? base * 3 : base
    }
}

/// A compiled detection: the rule's condition with its selections inlined, children of every
/// `and`/`or` sorted cheapest first (evaluation is free of side effects, so order is ours to pick).
indirect enum Matcher: Sendable {
    case check(FieldCheck)
    case and([Matcher])
    case or([Matcher])
    case not(Matcher)
    case atLeast(Int, [Matcher])
    case constant(Bool)

    func matches(_ event: LogEvent) -> Bool {
        switch self {
        case .check(let c):
            return c.matches(event)
        case .and(let list):
            for m in list where !m.matches(event) { return false }
            return true
        case .or(let list):
            for m in list where m.matches(event) { return true }
            return false
        case .not(let m):
            return !m.matches(event)
        case .atLeast(let n, let list):
            var hits = 0
            for (i, m) in list.enumerated() {
                if m.matches(event) {
                    hits += 1
                    if hits >= n { return true }
                }
                if hits + (list.count - i - 1) < n { return false }
            }
            return hits >= n
        case .constant(let b):
            return b
        }
    }

    var cost: Int {
        switch self {
        case .check(let c): return c.cost
        case .and(let l), .or(let l), .atLeast(_, let l): return l.reduce(0) { $0 + $1.cost }
        case .not(let m): return m.cost
        case .constant: return 0
        }
    }

    /// Flattens nested and/or and orders children by cost.
    func optimized() -> Matcher {
        switch self {
        case .and(let list):
            var flat: [Matcher] = []
            for m in list.map({ $0.optimized() }) {
                if case .and(let inner) = m { flat.append(contentsOf: inner) } else { flat.append(m) }
            }
            if flat.count == 1 { return flat[0] }
            return .and(flat.sorted { $0.cost < $1.cost })
        case .or(let list):
            var flat: [Matcher] = []
            for m in list.map({ $0.optimized() }) {
                if case .or(let inner) = m { flat.append(contentsOf: inner) } else { flat.append(m) }
            }
            if flat.count == 1 { return flat[0] }
            return .or(flat.sorted { $0.cost < $1.cost })
        case .not(let m):
            return .not(m.optimized())
        case .atLeast(let n, let list):
            return .atLeast(n, list.map { $0.optimized() }.sorted { $0.cost < $1.cost })
        case .check, .constant:
            return self
        }
    }
}
