import AnyunCore

/// Turns `field:value` as written into a typed `SearchTerm`, deciding once what the value means
/// for that field and rejecting, with a column, what cannot mean anything:
///
/// | target | word | "phrase" | range / comparison | `*` |
/// |---|---|---|---|---|
/// | full text (bare, `message:`, `msg:`) | tokens; a trailing `*` is a prefix | tokens in a row | error | every event |
/// | `time`, `received` | ISO 8601 or `now-15m` | same | times | every event |
/// | `severity`, `facility`, `seq`, `unit_id`, `system_id`, `host_id` | number (severity and facility also by name) | same | numbers | not NULL |
/// | `transport` | udp/tcp/tls/api, wildcards allowed | same | error | every event |
/// | `unit`, `system` | name pattern for the resolver | exact name | error | not NULL |
/// | `procid`, `msgid` | exact text or wildcard | exact text | numbers if both ends are numbers, else text | not NULL |
/// | other fields | IP or CIDR → address match; wildcard; else exact text | exact text | numbers, IP range, or text | has a value |
struct QueryTermBuilder {
    let utcOffsetSeconds: Int

    func term(field: String?, value token: QueryToken, column: Int) throws(QuerySyntaxError) -> SearchTerm {
        if field == "_exists_" {
            return SearchTerm(try existsTarget(token), .exists, column: column)
        }
        let target = field.map(QueryTarget.init(fieldName:)) ?? .fullText
        let name = field ?? "full text"
        let predicate: QueryPredicate
        switch token.kind {
        case .word(let word):
            predicate = try self.word(word, target: target, name: name, column: token.column)
        case .phrase(let text):
            predicate = try phrase(text, target: target, name: name, column: token.column)
        case .range(let lower, let upper):
            predicate = try range(lower, upper, target: target, name: name, column: token.column)
        default:
            throw QuerySyntaxError("expected a value", column: token.column)
        }
        return SearchTerm(target, predicate, column: column)
    }

    private func existsTarget(_ token: QueryToken) throws(QuerySyntaxError) -> QueryTarget {
        let name: String
        switch token.kind {
        case .word(let word) where !word.hasWildcards: name = word.text
        case .phrase(let text): name = text
        default: throw QuerySyntaxError("_exists_ needs a field name", column: token.column)
        }
        guard !name.isEmpty else { throw QuerySyntaxError("_exists_ needs a field name", column: token.column) }
        return QueryTarget(fieldName: name)
    }

    // MARK: - words

    private func word(_ word: QueryWord, target: QueryTarget, name: String, column: Int) throws(QuerySyntaxError) -> QueryPredicate {
        if word.isLoneStar { return .exists }
        switch target {
        case .fullText:
            let pattern = word.wildcard
            var text = word.text
            var prefix = false
            if pattern.hasWildcards {
                guard pattern.isPrefixOnly else {
                    throw QuerySyntaxError("full-text search takes only a trailing * (prefix), not '\(word.text)'", column: column)
                }
                text = pattern.literalPrefix
                prefix = true
            }
            return .words(try phrase(text, prefix: prefix, column: column))
        case .time, .received:
            guard !word.hasWildcards else { throw noWildcards(name, column) }
            return .times(.during(try time(word.text, column: column)))
        case .number(let numberColumn):
            guard !word.hasWildcards else { throw noWildcards(name, column) }
            return .numbers(.exactly(try number(word.text, column: numberColumn, column: column)))
        case .transport:
            return .transports(try transports(word.hasWildcards ? word.wildcard : nil, text: word.text, column: column))
        case .unit, .system:
            return .names(word.wildcard.escapedText)
        case .textColumn:
            return word.hasWildcards ? .wildcard(word.wildcard) : .equals(word.text)
        case .field:
            if word.hasWildcards { return .wildcard(word.wildcard) }
            return try address(word.text, column: column) ?? .equals(word.text)
        }
    }

    private func phrase(_ text: String, target: QueryTarget, name: String, column: Int) throws(QuerySyntaxError) -> QueryPredicate {
        switch target {
        case .fullText:
            return .words(try phrase(text, prefix: false, column: column))
        case .time, .received:
            return .times(.during(try time(text, column: column)))
        case .number(let numberColumn):
            return .numbers(.exactly(try number(text, column: numberColumn, column: column)))
        case .transport:
            return .transports(try transports(nil, text: text, column: column))
        case .unit, .system:
            return .names(QueryWildcard(pieces: [.literal(text)]).escapedText)
        case .textColumn, .field:
            return .equals(text)
        }
    }

    private func phrase(_ text: String, prefix: Bool, column: Int) throws(QuerySyntaxError) -> QueryPhrase {
        guard let phrase = QueryPhrase(text: text, isPrefix: prefix) else {
            throw QuerySyntaxError("no searchable word in '\(text)' (full-text search skips punctuation and symbols)", column: column)
        }
        return phrase
    }

    // MARK: - ranges

    private func range(_ lower: QueryBoundSyntax?, _ upper: QueryBoundSyntax?, target: QueryTarget, name: String,
                       column: Int) throws(QuerySyntaxError) -> QueryPredicate {
        for bound in [lower, upper].compactMap({ $0 }) {
            if case .word(let word) = bound.value, word.hasWildcards {
                throw QuerySyntaxError("a range bound cannot hold wildcards", column: bound.column)
            }
        }
        if lower == nil && upper == nil {
            switch target {
            case .fullText, .transport, .unit, .system:
                break // reported below, like any range on these
            default:
                return .exists
            }
        }
        switch target {
        case .fullText:
            throw QuerySyntaxError("full-text search cannot take a range or comparison; name a field", column: column)
        case .transport, .unit, .system:
            throw QuerySyntaxError("\(name) cannot take a range or comparison", column: column)
        case .time, .received:
            func timeBound(_ bound: QueryBoundSyntax?) throws(QuerySyntaxError) -> QueryTimeRange.Bound? {
                guard let bound else { return nil }
                return QueryTimeRange.Bound(try time(bound.value.text, column: bound.column), inclusive: bound.inclusive)
            }
            return .times(QueryTimeRange(lower: try timeBound(lower), upper: try timeBound(upper)))
        case .number(let numberColumn):
            func numberBound(_ bound: QueryBoundSyntax?) throws(QuerySyntaxError) -> QueryNumberRange.Bound? {
                guard let bound else { return nil }
                return QueryNumberRange.Bound(try number(bound.value.text, column: numberColumn, column: bound.column),
                                              inclusive: bound.inclusive)
            }
            return .numbers(QueryNumberRange(lower: try numberBound(lower), upper: try numberBound(upper)))
        case .textColumn, .field:
            let bounds = [lower, upper].compactMap { $0 }
            if bounds.allSatisfy({ QueryText.looksNumeric($0.value.text) }) {
                return .numbers(QueryNumberRange(
                    lower: lower.map { QueryNumberRange.Bound(Double($0.value.text)!, inclusive: $0.inclusive) },
                    upper: upper.map { QueryNumberRange.Bound(Double($0.value.text)!, inclusive: $0.inclusive) }))
            }
            if target.hasIPRows, bounds.allSatisfy({ QueryIPKey.bytes($0.value.text) != nil }) {
                return .ipRange(QueryIPRange(
                    lower: lower.map { (QueryIPKey.bytes($0.value.text)!, $0.inclusive) },
                    upper: upper.map { (QueryIPKey.bytes($0.value.text)!, $0.inclusive) }))
            }
            return .texts(QueryTextRange(lower: lower.map { QueryTextRange.Bound($0.value.text, inclusive: $0.inclusive) },
                                         upper: upper.map { QueryTextRange.Bound($0.value.text, inclusive: $0.inclusive) }))
        }
    }

    // MARK: - typed values

    /// An IP address or CIDR block, nil when the text is neither (and does not look like a
    /// mistyped block either).
    private func address(_ text: String, column: Int) throws(QuerySyntaxError) -> QueryPredicate? {
        if let key = QueryIPKey.key(text) { return .ipAddress(text: text, key: key) }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let network = String(parts[0]), length = parts[1]
        let looksLikeAddress = !network.isEmpty && network.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
        } && network.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }
        guard looksLikeAddress else { return nil }
        let v4 = QueryIPKey.isV4Text(network)
        guard let bytes = QueryIPKey.bytes(network), !length.isEmpty, length.utf8.count <= 3,
              length.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let bits = Int(length), bits <= (v4 ? 32 : 128) else {
            throw QuerySyntaxError("invalid CIDR \(text)", column: column)
        }
        return .ipRange(QueryIPRange(block: bytes, prefixLength: v4 ? bits + 96 : bits))
    }

    private func time(_ text: String, column: Int) throws(QuerySyntaxError) -> QueryTimePoint {
        guard let point = QueryTimeParser.parse(text, utcOffsetSeconds: utcOffsetSeconds) else {
            throw QuerySyntaxError(
                "invalid time '\(text)' (use 2026-11-25, 2026-11-25T08:00[:00][+08:00] or now-15m)", column: column)
        }
        return point
    }

    private func number(_ text: String, column numberColumn: QueryNumberColumn, column: Int) throws(QuerySyntaxError) -> Double {
        if QueryText.looksNumeric(text), let value = Double(text) { return value }
        let names: [String: Int]
        switch numberColumn {
        case .severity: names = Self.severityNames
        case .facility: names = Self.facilityNames
        default: names = [:]
        }
        if let value = names[text.lowercased()] { return Double(value) }
        let hint = names.isEmpty ? "" : " or a name such as \(numberColumn == .severity ? "err" : "auth")"
        throw QuerySyntaxError("\(numberColumn.rawValue) needs a number\(hint), not '\(text)'", column: column)
    }

    private func transports(_ pattern: QueryWildcard?, text: String, column: Int) throws(QuerySyntaxError) -> [LogTransport] {
        if let pattern {
            return LogTransport.allCases.filter { pattern.matches($0.rawValue) }
        }
        guard let transport = LogTransport(rawValue: text.lowercased()) else {
            let known = LogTransport.allCases.map(\.rawValue).joined(separator: ", ")
            throw QuerySyntaxError("unknown transport '\(text)' (\(known))", column: column)
        }
        return [transport]
    }

    private func noWildcards(_ name: String, _ column: Int) -> QuerySyntaxError {
        QuerySyntaxError("\(name) takes no wildcards", column: column)
    }

    static let severityNames: [String: Int] = [
        "emerg": 0, "emergency": 0, "panic": 0, "alert": 1, "crit": 2, "critical": 2, "err": 3, "error": 3,
        "warning": 4, "warn": 4, "notice": 5, "info": 6, "informational": 6, "debug": 7,
    ]

    static let facilityNames: [String: Int] = {
        var names: [String: Int] = [
            "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7,
            "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11, "ntp": 12, "security": 13, "audit": 13,
            "console": 14, "clock": 15,
        ]
        for n in 0...7 { names["local\(n)"] = 16 + n }
        return names
    }()
}
