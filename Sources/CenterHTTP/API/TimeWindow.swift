import AnyunCore
import Foundation
import Hummingbird

/// The `from` / `to` query parameters of log searches: ISO 8601 (a time without a zone is
/// Beijing time), a day `YYYY-MM-DD`, `now`, `now-15m` / `now-24h` / `now-7d`, or Unix milliseconds.
/// Without them a search covers the last 24 hours.
struct TimeWindow: Equatable {
    var from: Int64
    var to: Int64

    static let defaultSpan: Int64 = 24 * 3_600_000_000
    static let futureSkew: Int64 = 3_600_000_000

    init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }

    init(_ request: Request, now: Int64 = LogEvent.microseconds(Date())) throws {
        // Senders' clocks run ahead; without an explicit end the window reaches a little into the future.
        let explicitTo = try request.string("to").map { try Self.parse($0, name: "to", now: now, endOfDay: true) }
        let to = explicitTo ?? now + Self.futureSkew
        let from = try request.string("from").map { try Self.parse($0, name: "from", now: now, endOfDay: false) }
            ?? (explicitTo ?? now) - Self.defaultSpan
        guard from <= to else {
            throw Problem(.badRequest, "Bad Request", detail: "from 不能晚于 to (from must not be after to)",
                          invalidParams: [.init(name: "from", reason: "must not be after to", line: nil)])
        }
        self.from = from
        self.to = to
    }

    static func parse(_ text: String, name: String, now: Int64, endOfDay: Bool) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "now" { return now }
        if trimmed.hasPrefix("now-"), let span = relative(String(trimmed.dropFirst(4))) { return now - span }
        // `+` arrives as a space when the sender did not encode it.
        if trimmed.hasPrefix("now+") || trimmed.hasPrefix("now "), let span = relative(String(trimmed.dropFirst(4))) { return now + span }
        if let millis = Int64(trimmed), trimmed.count >= 10 { return millis * 1000 }
        if let day = Day(trimmed) {
            let start = Int64(day.ordinal) * 86_400_000_000 - 8 * 3_600_000_000
            return endOfDay ? start + 86_400_000_000 - 1 : start
        }
        if let date = iso(trimmed) { return LogEvent.microseconds(date) }
        throw Problem(.badRequest, "Bad Request",
                      detail: "\(name): 时间格式应为 ISO 8601、YYYY-MM-DD、now-24h 或毫秒时间戳 (expected ISO 8601, a day, now-24h or Unix ms): \(text)",
                      invalidParams: [.init(name: name, reason: "unrecognized time \(text)", line: nil)])
    }

    private static func relative(_ text: String) -> Int64? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0, amount < 100_000 else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        default: return nil
        }
        return amount * seconds * 1_000_000
    }

    private static func iso(_ text: String) -> Date? {
        let zoned = ISO8601DateFormatter()
        zoned.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = zoned.date(from: text) { return date }
        zoned.formatOptions = [.withInternetDateTime]
        if let date = zoned.date(from: text) { return date }
        // No zone given: the cloud's local time.
        let local = ISO8601DateFormatter()
        local.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        for options: ISO8601DateFormatter.Options in [[.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate],
                                                      [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate, .withFractionalSeconds]] {
            local.formatOptions = options
            if let date = local.date(from: text) { return date }
            if let date = local.date(from: text + ":00") { return date }
        }
        return nil
    }
}
