import AnyunCore
@testable import Detection
import Foundation
import XCTest

final class NotifyRenderingTests: XCTestCase {
    func testTitleAndBodyAreChineseFirstWithAllFacts() {
        let n = NotifyFixtures.notification()
        XCTAssertEqual(n.title, "【告警】高危｜SSH 暴力破解")
        let lines = n.plainText.components(separatedBy: "\n")
        XCTAssertEqual(lines.first, n.title)
        for expected in [
            "级别：高危（high）",
            "规则：SSH 暴力破解（anyun.ssh.bruteforce）",
            "摘要：10.1.2.3 在 5 分钟内 120 次 SSH 登录失败",
            "分组：src_ip=10.1.2.3",
            "次数：120",
            "首次发现：2024-05-01 14:03:05 (UTC+8)",
            "最近发现：2024-05-02 00:30:00 (UTC+8)",
            "单位：市卫健委",
            "详情：https://soc.example.gov.cn/alerts/42",
        ] {
            XCTAssertTrue(lines.contains(expected), "missing line \(expected) in\n\(n.plainText)")
        }
        XCTAssertTrue(n.markdown.hasPrefix("### 【告警】高危｜SSH 暴力破解"))
        XCTAssertTrue(n.markdown.contains("**次数**：120"))
        XCTAssertTrue(n.markdown.contains("[在控制台中查看](https://soc.example.gov.cn/alerts/42)"))
    }

    func testSeverityWordsAndUnitFallbacks() {
        let expected: [Severity: String] = [.critical: "严重", .high: "高危", .medium: "中危", .low: "低危", .info: "提示"]
        for severity in Severity.allCases {
            let n = AlertNotification(alert: NotifyFixtures.alert(severity: severity))
            XCTAssertEqual(n.title, "【告警】\(expected[severity]!)｜SSH 暴力破解")
            XCTAssertTrue(n.plainText.contains("单位：单位 #3"), "a unit without a name shows its id")
            XCTAssertFalse(n.plainText.contains("详情："), "no link, no link line")
        }
        let unattributed = AlertNotification(alert: NotifyFixtures.alert(unitID: nil))
        XCTAssertTrue(unattributed.plainText.contains("单位：未归属"))
    }

    /// The hand-rolled civil-date conversion against Foundation's calendar in Asia/Shanghai.
    func testShanghaiTimeMatchesFoundationCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try XCTUnwrap(TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600))
        var generator = SystemRandomNumberGenerator()
        var samples: [Int64] = [0, -1, 951_782_400_000_000 - 1, 4_107_542_400_000_000]  // epoch, before it, 2000-02-29 edge, 2100
        // From 1992: Shanghai kept summer time 1986–1991, which the fixed UTC+8 rightly ignores for
        // alerts but a tz database does not.
        for _ in 0..<500 { samples.append(Int64.random(in: 694_224_000_000_000...4_102_444_800_000_000, using: &generator)) }
        for micros in samples {
            let date = Date(timeIntervalSince1970: TimeInterval(micros.dividedRoundingDown(by: 1_000_000)))
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(format: "%04ld-%02ld-%02ld %02ld:%02ld:%02ld (UTC+8)", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            XCTAssertEqual(ShanghaiTime.format(microseconds: micros), expected, "µs \(micros)")
        }
        // RFC 5322 weekday: 2024-05-01 was a Wednesday.
        XCTAssertEqual(ShanghaiTime.rfc5322(Date(timeIntervalSince1970: 1_714_543_385)), "Wed, 01 May 2024 14:03:05 +0800")
    }

    func testTruncationKeepsCharactersWholeAndMarksTheCut() {
        let text = String(repeating: "告警😀a", count: 1000)  // 3 + 4 + 1 bytes a round
        for limit in [4096, 4095, 4094, 100, 37] {
            let cut = UTF8Truncation.truncate(text, maxBytes: limit)
            XCTAssertLessThanOrEqual(cut.utf8.count, limit)
            XCTAssertTrue(cut.hasSuffix(UTF8Truncation.marker))
            let kept = String(cut.dropLast(UTF8Truncation.marker.count))
            XCTAssertTrue(text.hasPrefix(kept))
            // As much as fits: one more character would not have.
            let next = text[text.index(text.startIndex, offsetBy: kept.count)]
            XCTAssertGreaterThan(kept.utf8.count + next.utf8.count + UTF8Truncation.marker.utf8.count, limit)
        }
        XCTAssertEqual(UTF8Truncation.truncate("短文本", maxBytes: 4096), "短文本")
        XCTAssertEqual(UTF8Truncation.truncate(String(repeating: "字", count: 10), maxBytes: 30), String(repeating: "字", count: 10))
    }

    func testRetryDelaysGrowExponentiallyWithinJitterAndCap() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(700), jitter: 0.25)
        for attempt in 1...6 {
            let nominal = min(100.0 * pow(2, Double(attempt - 1)), 700)
            for _ in 0..<50 {
                let d = policy.delay(afterAttempt: attempt)
                let value = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
                XCTAssertGreaterThanOrEqual(value, nominal * 0.75 - 0.001, "attempt \(attempt)")
                XCTAssertLessThanOrEqual(value, min(nominal * 1.25, 700) + 0.001, "attempt \(attempt)")
            }
        }
        let fixed = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(1), maxDelay: .seconds(60), jitter: 0)
        XCTAssertEqual(fixed.delay(afterAttempt: 1), .seconds(1))
        XCTAssertEqual(fixed.delay(afterAttempt: 3), .seconds(4))
        XCTAssertEqual(RetryPolicy(maxAttempts: 0).maxAttempts, 1, "at least one attempt")
    }

    func testRoutesFilterBySeverityAndUnit() {
        let channel = NotifyGateChannel(name: "x")
        let route = NotificationRoute(channel: channel, minSeverity: .medium, units: [3, 7])
        XCTAssertTrue(route.accepts(NotifyFixtures.notification(severity: .medium, unitID: 3)))
        XCTAssertTrue(route.accepts(NotifyFixtures.notification(severity: .critical, unitID: 7)))
        XCTAssertFalse(route.accepts(NotifyFixtures.notification(severity: .low, unitID: 3)), "below the minimum")
        XCTAssertFalse(route.accepts(NotifyFixtures.notification(severity: .high, unitID: 4)), "another unit")
        XCTAssertFalse(route.accepts(NotifyFixtures.notification(severity: .high, unitID: nil)), "no unit under a unit filter")
        XCTAssertTrue(NotificationRoute(channel: channel).accepts(NotifyFixtures.notification(severity: .info, unitID: nil)))
    }
}

private extension Int64 {
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && self < 0) ? q - 1 : q
    }
}
