import Foundation

/// Why a search query could not be read, and where.
///
/// `column` is 1-based and counts Unicode scalars (one per Chinese character), so a console can
/// put a caret under the culprit. The message is English; `description` reads
/// "unbalanced parenthesis at column 17".
public struct QuerySyntaxError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    public let message: String
    public let column: Int

    public init(_ message: String, column: Int) {
        self.message = message
        self.column = column
    }

    public var description: String { "\(message) at column \(column)" }
    public var errorDescription: String? { description }
}

/// The compiler was handed a term the parser never builds (for example a range on full text):
/// only reachable when a `SearchQuery` is assembled by hand.
public struct QueryCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Bounds that keep one query cheap to parse, compile and run.
public struct QueryLimits: Sendable, Hashable {
    /// UTF-8 bytes of query text.
    public var maxBytes: Int
    /// Parentheses and NOTs nested inside each other.
    public var maxDepth: Int
    /// Field terms, words and phrases.
    public var maxTerms: Int

    public init(maxBytes: Int = 4096, maxDepth: Int = 32, maxTerms: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxTerms = maxTerms
    }

    public static let standard = QueryLimits()
}
