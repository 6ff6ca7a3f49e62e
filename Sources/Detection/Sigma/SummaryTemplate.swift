/// `anyun.summary_zh`: the one line a person reads first, with `{placeholders}` filled from the
/// match: `{count}`, `{timespan}`, `{group}`, `{host}`, `{title}`, or any event field by the name the
/// rule uses for it (`{src_ip}`, `{user}`). A field the event lacks shows as `-`.
struct SummaryTemplate: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case text(String)
        case placeholder(String)
    }

    let segments: [Segment]

    struct ParseError: Error { let message: String }

    init(_ text: String) throws(ParseError) {
        var segments: [Segment] = []
        var current = ""
        var inside = false
        for ch in text {
            if ch == "{" {
                if inside { throw ParseError(message: "nested '{' in summary template '\(text)'") }
                if !current.isEmpty { segments.append(.text(current)) }
                current = ""
                inside = true
            } else if ch == "}" {
                guard inside, !current.isEmpty else { throw ParseError(message: "unbalanced or empty '{}' in summary template '\(text)'") }
                segments.append(.placeholder(current))
                current = ""
                inside = false
            } else {
                current.append(ch)
            }
        }
        if inside { throw ParseError(message: "unclosed '{' in summary template '\(text)'") }
        if !current.isEmpty { segments.append(.text(current)) }
        self.segments = segments
    }

    func render(_ lookup: (String) -> String?) -> String {
        var out = ""
        for s in segments {
            switch s {
            case .text(let t): out += t
            case .placeholder(let name): out += lookup(name) ?? "-"
            }
        }
        return out
    }
}
