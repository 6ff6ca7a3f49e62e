/// A full-text condition: tokens that must appear one after another in the message, the last one
/// as a prefix when the word ended in `*`.
public struct QueryPhrase: Sendable, Hashable {
    /// Tokens as the index stores them (folded by `Unicode61Tokens`).
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

    /// The tokens as one quoted string (`"` doubled, though tokens never hold one), ` *` after it
    /// for a prefix: how a phrase is written back as query text.
    public var quotedForm: String {
        // Chinese characters are tokens of their own: written back together, as they were typed.
        var text = ""
        for (index, token) in tokens.enumerated() {
            if index > 0, !(Self.isSplit(tokens[index - 1]) && Self.isSplit(token)) { text += " " }
            text += token
        }
        let quoted = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return isPrefix ? quoted + " *" : quoted
    }

    private static func isSplit(_ token: String) -> Bool {
        token.unicodeScalars.count == 1 && token.unicodeScalars.first.map(Unicode61Tokens.isSplitCharacter) == true
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
