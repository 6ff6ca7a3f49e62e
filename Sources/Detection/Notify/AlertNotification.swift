import AnyunCore
import Foundation

/// What a channel sends about one alert: the alert, the unit it belongs to by name and a link to
/// it in the console, rendered Chinese first for the people on duty.
public struct AlertNotification: Sendable, Equatable {
    public var alert: Alert
    /// The unit's display name (e.g. "市卫健委"); nil when the alert is not attributed to a unit.
    public var unitName: String?
    /// Where the alert opens in the console.
    public var link: String?

    public init(alert: Alert, unitName: String? = nil, link: String? = nil) {
        self.alert = alert
        self.unitName = unitName
        self.link = link
    }

    /// 严重/高危/中危/低危/提示, the words Chinese security teams use for the five levels.
    public static func severityLabel(_ severity: Severity) -> String {
        switch severity {
        case .critical: "严重"
        case .high: "高危"
        case .medium: "中危"
        case .low: "低危"
        case .info: "提示"
        }
    }

    /// One line, e.g. "【告警】高危｜SSH 暴力破解".
    public var title: String {
        "【告警】\(Self.severityLabel(alert.severity))｜\(alert.title)"
    }

    /// The facts a person needs, as "label：value" pairs in reading order.
    public var facts: [(label: String, value: String)] {
        var facts: [(String, String)] = [
            ("级别", "\(Self.severityLabel(alert.severity))（\(alert.severity.rawValue)）"),
            ("规则", "\(alert.title)（\(alert.ruleID)）"),
        ]
        if !alert.summary.isEmpty { facts.append(("摘要", alert.summary)) }
        if !alert.groupKey.isEmpty { facts.append(("分组", alert.groupKey)) }
        facts.append(("次数", String(alert.count)))
        facts.append(("首次发现", ShanghaiTime.format(microseconds: alert.firstSeen)))
        facts.append(("最近发现", ShanghaiTime.format(microseconds: alert.lastSeen)))
        facts.append(("单位", unitName ?? alert.unitID.map { "单位 #\($0)" } ?? "未归属"))
        if let link { facts.append(("详情", link)) }
        return facts
    }

    /// Plain text for mail and generic receivers: the title, then one fact per line.
    public var plainText: String {
        ([title, ""] + facts.map { "\($0.label)：\($0.value)" }).joined(separator: "\n")
    }

    /// Markdown as the DingTalk and WeCom robots render it: a heading, then one bold label per line.
    public var markdown: String {
        var lines = ["### \(title)", ""]
        for fact in facts {
            if fact.label == "详情" {
                lines.append("**\(fact.label)**：[在控制台中查看](\(fact.value))")
            } else {
                lines.append("**\(fact.label)**：\(fact.value)")
            }
        }
        // Both robots join single newlines into one paragraph; a blank line keeps one fact a line.
        return lines.joined(separator: "\n\n")
    }
}

/// Wall-clock time in Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a
/// fixed offset is exact for every alert and needs no tz database on the host.
enum ShanghaiTime {
    static let offsetSeconds = 8 * 3600

    /// "2024-05-01 14:03:05 (UTC+8)".
    static func format(microseconds: Int64) -> String {
        let c = components(microseconds: microseconds)
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second)) (UTC+8)"
    }

    /// "Wed, 01 May 2024 14:03:05 +0800", the RFC 5322 Date header.
    static func rfc5322(_ date: Date) -> String {
        let c = components(microseconds: Int64(date.timeIntervalSince1970 * 1_000_000))
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[c.weekday]), \(pad(c.day)) \(months[c.month - 1]) \(pad(c.year, 4)) "
            + "\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second)) +0800"
    }

    struct Components {
        var year, month, day, hour, minute, second: Int
        /// 0 = Thursday, counted from the epoch day.
        var weekday: Int
    }

    static func components(microseconds: Int64) -> Components {
        let seconds = Int(floorDiv(microseconds, 1_000_000)) + offsetSeconds
        let days = Int(floorDiv(Int64(seconds), 86_400))
        let secondOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return Components(year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60,
                          second: secondOfDay % 60, weekday: ((days % 7) + 7) % 7)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
