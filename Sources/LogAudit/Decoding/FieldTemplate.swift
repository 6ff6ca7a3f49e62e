/// A `set:` value: literal text with `{field}` references; `{app}` is the normalized app name and
/// `{a|b}` takes the first of `a`, `b` that is present.
struct FieldTemplate: Sendable {
    enum Part: Sendable {
        case text(String)
        case field([String])
    }

    let parts: [Part]
    /// The value when the template has no references.
    let constant: String?

    init(_ source: String) throws(PatternError) {
        var parts: [Part] = []
        var text = ""
        var it = Array(source)
        var i = 0
        while i < it.count {
            let c = it[i]
            if c == "{" || c == "}" {
                if i + 1 < it.count, it[i + 1] == c { text.append(c); i += 2; continue }
                guard c == "{" else {
                    throw PatternError(message: "unbalanced braces in '\(source)': unexpected '}' (write '}}' for a literal brace)")
                }
                guard let close = it[(i + 1)...].firstIndex(of: "}") else {
                    throw PatternError(message: "unbalanced braces in '\(source)': '{' is never closed")
                }
                let names = String(it[(i + 1)..<close]).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                for name in names where !PatternParser.isValidName(name) {
                    throw PatternError(message: "invalid field reference '{\(names.joined(separator: "|"))}' in '\(source)'")
                }
                if !text.isEmpty { parts.append(.text(text)); text = "" }
                parts.append(.field(names))
                i = close + 1
                continue
            }
            text.append(c)
            i += 1
        }
        if !text.isEmpty { parts.append(.text(text)) }
        it.removeAll()
        self.parts = parts
        if parts.count == 1, case .text(let t) = parts[0] { constant = t } else if parts.isEmpty { constant = "" } else { constant = nil }
    }

    /// The value, or nil when a referenced field (or the app) is missing.
    func render(_ fields: [String: String], app: String?) -> String? {
        if let constant { return constant }
        var out = ""
        for p in parts {
            switch p {
            case .text(let t): out += t
            case .field(let names):
                var value: String?
                for n in names {
                    value = n == "app" ? app : fields[n]
                    if value != nil { break }
                }
                guard let value else { return nil }
                out += value
            }
        }
        return out
    }
}
