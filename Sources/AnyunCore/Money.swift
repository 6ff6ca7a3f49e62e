/// An amount of money in fen (分). Billing never uses floating point: every charge is an
/// integer number of fen, and a statement's lines add up to its total exactly.
public struct Fen: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, AdditiveArithmetic {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    public static let zero = Fen(0)
    public static func + (a: Fen, b: Fen) -> Fen { Fen(a.value + b.value) }
    public static func - (a: Fen, b: Fen) -> Fen { Fen(a.value - b.value) }
    public static func < (a: Fen, b: Fen) -> Bool { a.value < b.value }

    /// `yuan` text such as "1234.50" (no grouping): what CSV exports and forms use.
    public var yuanText: String {
        let sign = value < 0 ? "-" : ""
        let m = value.magnitude
        return "\(sign)\(m / 100).\(pad(Int(m % 100), 2))"
    }

    /// Parses a yuan amount with at most two decimals ("12", "12.5", "12.50") exactly.
    public init?(yuan text: String) {
        let t = text.trimmingWhitespace()
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(parts[0]) else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let frac = parts[1]
            guard (1...2).contains(frac.count), frac.allSatisfy({ $0.isASCII && $0.isNumber }), let f = Int64(frac) else { return nil }
            cents = frac.count == 1 ? f * 10 : f
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: 100)
        let (sum, overflowed) = product.addingReportingOverflow(cents)
        guard !overflow, !overflowed else { return nil }
        value = sum
    }

    public var description: String { "¥" + yuanText }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
