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

    /// The message for Chinese readers (the console): the problem in Chinese, the English
    /// original after it, since it names the exact value or limit.
    public var chineseMessage: String {
        guard let (_, chinese) = Self.chinese.first(where: { message.contains($0.0) }) else { return message }
        return "\(chinese)（\(message)）"
    }

    private static let chinese: [(String, String)] = [
        ("'-' must be followed", "“-”后面须紧跟检索条件"),
        ("dangling backslash", "反斜杠后缺少字符"),
        ("unexpected quote inside a word", "词中间出现了引号，字面引号请写作 \\\""),
        ("unterminated quote", "引号未闭合"),
        ("unterminated range", "范围未闭合"),
        ("range needs TO", "范围缺少 TO"),
        ("range needs ] or }", "范围须以 ] 或 } 结尾"),
        ("range needs a value", "范围缺少取值"),
        ("comparison needs a value", "比较缺少取值"),
        ("expected a space after", "此处须有空格"),
        ("query is ", "查询过长"),
        ("unbalanced parenthesis", "括号不配对"),
        ("unexpected ", "此处不应出现"),
        ("expected a term before", "此前缺少检索条件"),
        ("expected a term after", "此后缺少检索条件"),
        ("expected a term", "缺少检索条件"),
        ("empty parentheses", "括号内为空"),
        ("query has more than", "检索条件过多"),
        ("query nests deeper than", "括号嵌套过深"),
        ("expected a value", "缺少取值"),
        ("_exists_ needs a field name", "_exists_ 需要字段名"),
        ("full-text search takes only a trailing *", "全文检索只支持末尾的 * 前缀匹配"),
        ("no searchable word", "没有可检索的词（全文检索忽略标点和符号）"),
        ("a range bound cannot hold wildcards", "范围端点不能含通配符"),
        ("full-text search cannot take a range", "全文检索不能用范围或比较，请指定字段"),
        ("invalid CIDR", "CIDR 网段无效"),
        ("unknown transport", "未知的传输方式"),
        ("invalid time", "时间格式无效，请写作 2026-11-25、2026-11-25T08:00 或 now-15m"),
        (" needs a value", "字段缺少取值"),
        (" cannot take a range or comparison", "该字段不能用范围或比较"),
        (" needs a number", "该字段需要数字"),
        (" takes no wildcards", "该字段不支持通配符"),
    ]
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
