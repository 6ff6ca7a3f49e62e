/// A numeric interval; an absent bound is open.
public struct QueryNumberRange: Sendable, Hashable {
    public struct Bound: Sendable, Hashable {
        public var value: Double
        public var inclusive: Bool
        public init(_ value: Double, inclusive: Bool) {
            self.value = value
            self.inclusive = inclusive
        }
    }

    public var lower: Bound?
    public var upper: Bound?

    public init(lower: Bound?, upper: Bound?) {
        self.lower = lower
        self.upper = upper
    }

    public static func exactly(_ value: Double) -> QueryNumberRange {
        QueryNumberRange(lower: Bound(value, inclusive: true), upper: Bound(value, inclusive: true))
    }

    public func contains(_ value: Double) -> Bool {
        if let lower, lower.inclusive ? value < lower.value : value <= lower.value { return false }
        if let upper, upper.inclusive ? value > upper.value : value >= upper.value { return false }
        return true
    }
}

/// An interval of text in byte order (SQLite's BINARY collation), an absent bound open.
public struct QueryTextRange: Sendable, Hashable {
    public struct Bound: Sendable, Hashable {
        public var value: String
        public var inclusive: Bool
        public init(_ value: String, inclusive: Bool) {
            self.value = value
            self.inclusive = inclusive
        }
    }

    public var lower: Bound?
    public var upper: Bound?

    public init(lower: Bound?, upper: Bound?) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ value: String) -> Bool {
        if let lower {
            let order = QueryText.compare(value, lower.value)
            if order < 0 || (order == 0 && !lower.inclusive) { return false }
        }
        if let upper {
            let order = QueryText.compare(value, upper.value)
            if order > 0 || (order == 0 && !upper.inclusive) { return false }
        }
        return true
    }
}

/// A closed interval of IP index keys (32 hex digits, see `QueryIPKey`); `low > high` is empty.
public struct QueryIPRange: Sendable, Hashable {
    public let low: String
    public let high: String

    init(low: [UInt8], high: [UInt8]) {
        self.low = QueryIPKey.hex(low)
        self.high = QueryIPKey.hex(high)
    }

    /// The block of `prefixLength` leading bits of the 16-byte address.
    init(block address: [UInt8], prefixLength: Int) {
        var low = address, high = address
        for bit in prefixLength..<128 {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            low[bit / 8] &= ~mask
            high[bit / 8] |= mask
        }
        self.init(low: low, high: high)
    }

    /// From optional bounds; an exclusive bound steps one address inward.
    init(lower: (address: [UInt8], inclusive: Bool)?, upper: (address: [UInt8], inclusive: Bool)?) {
        let zero = [UInt8](repeating: 0, count: 16), ones = [UInt8](repeating: 0xFF, count: 16)
        var low = lower?.address ?? zero, high = upper?.address ?? ones
        var empty = false
        if let lower, !lower.inclusive {
            if let next = Self.step(low, by: 1) { low = next } else { empty = true }
        }
        if let upper, !upper.inclusive {
            if let previous = Self.step(high, by: -1) { high = previous } else { empty = true }
        }
        self.init(low: empty ? ones : low, high: empty ? zero : high)
    }

    public func contains(key: String) -> Bool {
        QueryText.compare(key, low) >= 0 && QueryText.compare(key, high) <= 0
    }

    /// Adds ±1 to a 128-bit big-endian number; nil when it would wrap.
    private static func step(_ bytes: [UInt8], by delta: Int) -> [UInt8]? {
        var out = bytes
        for index in out.indices.reversed() {
            if delta > 0 {
                if out[index] == 0xFF { out[index] = 0 } else { out[index] += 1; return out }
            } else {
                if out[index] == 0 { out[index] = 0xFF } else { out[index] -= 1; return out }
            }
        }
        return nil
    }
}

/// Text comparisons the way SQLite makes them: bytes of UTF-8, not Swift's canonical equivalence
/// (which would call a composed and a decomposed "é" equal where SQLite does not).
enum QueryText {
    static func compare(_ a: String, _ b: String) -> Int {
        var left = a.utf8.makeIterator(), right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    static func equal(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool { text.utf8.starts(with: prefix.utf8) }

    /// `-?[0-9]+(\.[0-9]+)?`: the only text a numeric range compares, in SQL and here alike.
    static func looksNumeric(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var digitsBefore = 0, digitsAfter = 0, dots = 0
        for byte in bytes {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if dots == 0 { digitsBefore += 1 } else { digitsAfter += 1 }
            } else if byte == UInt8(ascii: ".") {
                dots += 1
                if dots > 1 || digitsBefore == 0 { return false }
            } else {
                return false
            }
        }
        return digitsBefore > 0 && (dots == 0 || digitsAfter > 0)
    }
}
