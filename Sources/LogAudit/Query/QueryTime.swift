/// A time written in a query: an absolute time covers the span of its written precision (a date
/// is its whole day, `08:00` its whole minute), a relative one (`now-15m`) is an instant.
public enum QueryTimePoint: Sendable, Hashable {
    /// `[start, end)` in microseconds since the epoch.
    case absolute(start: Int64, end: Int64)
    /// `now` plus this many microseconds.
    case relative(offset: Int64)

    public func span(now: Int64) -> (start: Int64, end: Int64) {
        switch self {
        case .absolute(let start, let end): return (start, end)
        case .relative(let offset): return (now + offset, now + offset + 1)
        }
    }
}

/// A time condition. Bounds follow the written precision the way Elasticsearch fills missing
/// date parts: an inclusive lower bound starts at the span's start, an exclusive one after its
/// end; an inclusive upper bound runs to the span's end, an exclusive one stops at its start. So
/// `time:2026-11-25` is that whole day, `time:>2026-11-25` starts the next day, and
/// `[08:00 TO 09:00]` includes the minute 09:00–09:01.
public struct QueryTimeRange: Sendable, Hashable {
    public struct Bound: Sendable, Hashable {
        public var point: QueryTimePoint
        public var inclusive: Bool
        public init(_ point: QueryTimePoint, inclusive: Bool) {
            self.point = point
            self.inclusive = inclusive
        }
    }

    public var lower: Bound?
    public var upper: Bound?

    public init(lower: Bound?, upper: Bound?) {
        self.lower = lower
        self.upper = upper
    }

    public static func during(_ point: QueryTimePoint) -> QueryTimeRange {
        QueryTimeRange(lower: Bound(point, inclusive: true), upper: Bound(point, inclusive: true))
    }

    /// `[lower, upper)` in microseconds; nil is open.
    public func interval(now: Int64) -> (lower: Int64?, upper: Int64?) {
        let low = lower.map { bound -> Int64 in
            let span = bound.point.span(now: now)
            return bound.inclusive ? span.start : span.end
        }
        let high = upper.map { bound -> Int64 in
            let span = bound.point.span(now: now)
            return bound.inclusive ? span.end : span.start
        }
        return (low, high)
    }
}

/// Reads `now[±N(s|m|h|d|w)]…` and ISO 8601 `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|±HH[:MM]]`;
/// a time without a zone is read in `utcOffsetSeconds` (Asia/Shanghai, +08:00, by default).
enum QueryTimeParser {
    /// Relative offsets beyond this are typing mistakes, and would overflow microseconds.
    static let maxRelativeMicroseconds: Int64 = 200 * 366 * 86_400_000_000

    static func parse(_ text: String, utcOffsetSeconds: Int = QueryParser.defaultUTCOffsetSeconds) -> QueryTimePoint? {
        let bytes = Array(text.utf8)
        if bytes.count >= 3, String(decoding: bytes[0..<3], as: UTF8.self).lowercased() == "now" {
            return relative(bytes[3...])
        }
        return absolute(bytes, utcOffsetSeconds: utcOffsetSeconds)
    }

    private static func relative(_ bytes: ArraySlice<UInt8>) -> QueryTimePoint? {
        var i = bytes.startIndex
        var total: Int64 = 0
        while i < bytes.endIndex {
            let sign: Int64
            switch bytes[i] {
            case UInt8(ascii: "+"): sign = 1
            case UInt8(ascii: "-"): sign = -1
            default: return nil
            }
            i += 1
            var amount: Int64 = 0, digits = 0
            while i < bytes.endIndex, let digit = digitValue(bytes[i]) {
                amount = amount * 10 + Int64(digit)
                digits += 1
                i += 1
                if digits > 12 { return nil }
            }
            guard digits > 0, i < bytes.endIndex else { return nil }
            let unit: Int64
            switch bytes[i] {
            case UInt8(ascii: "s"): unit = 1_000_000
            case UInt8(ascii: "m"): unit = 60_000_000
            case UInt8(ascii: "h"): unit = 3_600_000_000
            case UInt8(ascii: "d"): unit = 86_400_000_000
            case UInt8(ascii: "w"): unit = 604_800_000_000
            default: return nil
            }
            i += 1
            let (step, overflow) = amount.multipliedReportingOverflow(by: unit)
            guard !overflow, step <= maxRelativeMicroseconds else { return nil }
            total += sign * step
            guard abs(total) <= maxRelativeMicroseconds else { return nil }
        }
        return .relative(offset: total)
    }

    private static func absolute(_ b: [UInt8], utcOffsetSeconds: Int) -> QueryTimePoint? {
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= b.count else { return nil }
            var value = 0
            for byte in b[i..<(i + width)] {
                guard let digit = digitValue(byte) else { return nil }
                value = value * 10 + digit
            }
            i += width
            return value
        }
        func take(_ ascii: Character) -> Bool {
            guard i < b.count, b[i] == ascii.asciiValue else { return false }
            i += 1
            return true
        }

        guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction: Int64 = 0
        var precision: Int64 = 86_400_000_000
        var hasTime = false
        if take("T") || take("t") || take(" ") {
            guard let h = number(2), take(":"), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            precision = 60_000_000
            hasTime = true
            if take(":") {
                guard let s = number(2), s < 60 else { return nil }
                second = s
                precision = 1_000_000
                if take(".") || take(",") {
                    var digits = 0
                    while i < b.count, let digit = digitValue(b[i]) {
                        if digits < 6 { fraction = fraction * 10 + Int64(digit) }
                        digits += 1
                        i += 1
                    }
                    guard (1...9).contains(digits) else { return nil }
                    for _ in min(digits, 6)..<6 { fraction *= 10 }
                    precision = digits >= 6 ? 1 : Int64(pow10(6 - digits))
                }
            }
        }
        var offset = utcOffsetSeconds
        if i < b.count {
            guard hasTime else { return nil }
            if take("Z") || take("z") {
                offset = 0
            } else {
                let sign: Int
                if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
                guard let h = number(2), h <= 23 else { return nil }
                var m = 0
                if i < b.count {
                    _ = take(":")
                    guard let minutes = number(2), minutes < 60 else { return nil }
                    m = minutes
                }
                offset = sign * (h * 3600 + m * 60)
            }
        }
        guard i == b.count else { return nil }
        let seconds = Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        let start = seconds * 1_000_000 + fraction
        return .absolute(start: start, end: start + precision)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { acc, _ in acc * 10 } }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
