/// Sigma `timespan` values: a number and one lowercase unit, `s`, `m`, `h` or `d` (`90m`, `1h`).
enum Timespan {
    /// Microseconds, nil when the text is not a timespan.
    static func parse(_ text: String) -> Int64? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n > 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        default: return nil
        }
        let (value, overflow) = n.multipliedReportingOverflow(by: seconds * 1_000_000)
        return overflow ? nil : value
    }

    /// "60秒", "5分钟", "1小时", "7天" for summaries, in the unit the rule was written in.
    static func chinese(_ text: String) -> String {
        guard let unit = text.last else { return text }
        let number = text.dropLast()
        switch unit {
        case "s": return "\(number)秒"
        case "m": return "\(number)分钟"
        case "h": return "\(number)小时"
        case "d": return "\(number)天"
        default: return text
        }
    }
}
