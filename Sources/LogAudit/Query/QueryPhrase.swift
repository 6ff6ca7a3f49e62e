/// A full-text condition: tokens that must appear one after another in the message, the last one
/// as a prefix when the word ended in `*` (FTS5's `"a b" *`).
public struct QueryPhrase: Sendable, Hashable {
    /// Tokens as the FTS5 index stores them (folded by `Unicode61Tokens`).
    public let tokens: [String]
    public let isPrefix: Bool

    public init(tokens: [String], isPrefix: Bool) {
        self.tokens = tokens
        self.isPrefix = isPrefix
    }

    /// The tokens of free text, nil when it has none (only punctuation, spaces or symbols).
    public init?(text: String, isPrefix: Bool) {
        let tokens = Unicode61Tokens.tokens(of: text)
        guard !tokens.isEmpty else { return nil }
        self.init(tokens: tokens, isPrefix: isPrefix)
    }

    /// One FTS5 string (with `"` doubled, though tokens never hold one), optionally a prefix:
    /// inside a string FTS5 reads no operators, so user text can never become FTS5 syntax.
    public var ftsExpression: String {
        let quoted = "\"" + tokens.joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return isPrefix ? quoted + " *" : quoted
    }

    /// Whether the tokens occur consecutively in `message` (already tokenized).
    func matches(_ message: [String]) -> Bool {
        guard !tokens.isEmpty, message.count >= tokens.count else { return false }
        let last = tokens.count - 1
        outer: for start in 0...(message.count - tokens.count) {
            for (offset, token) in tokens.enumerated() {
                let candidate = message[start + offset]
                let same = offset == last && isPrefix
                    ? QueryText.hasPrefix(candidate, token) : QueryText.equal(candidate, token)
                if !same { continue outer }
            }
            return true
        }
        return false
    }
}
