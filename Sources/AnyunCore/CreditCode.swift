/// The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
/// 31-symbol alphabet, the last one a check character over the first seventeen.
public struct CreditCode: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case length(Int)
        case character(Character, position: Int)
        case checkCharacter(expected: Character, found: Character)

        public var description: String {
            switch self {
            case .length(let n): "应为 18 位，实际 \(n) 位 (must be 18 characters, got \(n))"
            case .character(let c, let p): "第 \(p) 位字符 '\(c)' 不合法 (invalid character)"
            case .checkCharacter(let e, let f): "校验位应为 \(e)，实际为 \(f) (check character mismatch)"
            }
        }
    }

    public init(_ raw: String) throws(Problem) {
        let chars = Array(raw.trimmingWhitespace().uppercased())
        guard chars.count == 18 else { throw .length(chars.count) }
        var values: [Int] = []
        for (i, c) in chars.enumerated() {
            guard let v = Self.alphabet.firstIndex(of: c) else { throw .character(c, position: i + 1) }
            values.append(v)
        }
        let expected = Self.checkCharacter(for: values.prefix(17))
        guard expected == chars[17] else { throw .checkCharacter(expected: expected, found: chars[17]) }
        value = String(chars)
    }

    /// Completes seventeen leading characters with their check character.
    public static func completing(_ body: String) -> CreditCode? {
        let chars = Array(body.uppercased())
        guard chars.count == 17 else { return nil }
        let values = chars.compactMap { alphabet.firstIndex(of: $0) }
        guard values.count == 17 else { return nil }
        return try? CreditCode(body + String(checkCharacter(for: values[...])))
    }

    static func checkCharacter(for values: ArraySlice<Int>) -> Character {
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = (31 - sum % 31) % 31
        return alphabet[check]
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(raw) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
