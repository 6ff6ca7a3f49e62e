import AnyunCore
import Foundation
import XCTest

final class DayTests: XCTestCase {
    private static func referenceDaysIn(year: Int, month: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    func testEpochIsOrdinalZero() throws {
        XCTAssertEqual(try XCTUnwrap(Day(year: 1970, month: 1, day: 1)).ordinal, 0)
        XCTAssertEqual(Day(ordinal: 0).description, "1970-01-01")
        XCTAssertEqual(Day(ordinal: -1).description, "1969-12-31")
        XCTAssertEqual(Day(ordinal: 365 + 365 + 366).description, "1973-01-01", "1972 was a leap year")
    }

    /// Walks every day from 1970 to 2100 with a hand-rolled calendar and checks both directions.
    func testOrdinalRoundTripsOverEveryDayFrom1970To2100() throws {
        var y = 1970, m = 1, d = 1
        var ordinal = 0
        while y <= 2100 {
            let day = Day(ordinal: ordinal)
            XCTAssertEqual([day.year, day.month, day.day], [y, m, d], "ordinal \(ordinal)")
            guard let built = Day(year: y, month: m, day: d) else { return XCTFail("\(y)-\(m)-\(d) refused") }
            XCTAssertEqual(built.ordinal, ordinal)
            XCTAssertEqual(Day(built.description), built)
            if ordinal > 0 { XCTAssertLessThan(Day(ordinal: ordinal - 1), built) }
            d += 1
            if d > Self.referenceDaysIn(year: y, month: m) {
                d = 1
                m += 1
                if m > 12 { m = 1; y += 1 }
            }
            ordinal += 1
        }
    }

    func testOrdinalsAgreeWithFoundationsGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        for ordinal in stride(from: -1000, through: 47_500, by: 13) {
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(ordinal) * 86_400))
            let day = Day(ordinal: ordinal)
            XCTAssertEqual([day.year, day.month, day.day], [c.year!, c.month!, c.day!], "ordinal \(ordinal)")
        }
    }

    func testLeapYears() {
        XCTAssertNotNil(Day("2024-02-29"))
        XCTAssertNotNil(Day("2000-02-29"), "divisible by 400")
        XCTAssertNil(Day("2100-02-29"), "divisible by 100 only")
        XCTAssertNil(Day("1900-02-29"))
        XCTAssertNil(Day("2023-02-29"))
        XCTAssertEqual(Month(year: 2024, month: 2)?.dayCount, 29)
        XCTAssertEqual(Month(year: 2000, month: 2)?.dayCount, 29)
        XCTAssertEqual(Month(year: 2100, month: 2)?.dayCount, 28)
        XCTAssertEqual(Month(year: 2023, month: 2)?.dayCount, 28)
        XCTAssertEqual(Day("2024-02-28")!.adding(days: 1).description, "2024-02-29")
        XCTAssertEqual(Day("2023-02-28")!.adding(days: 1).description, "2023-03-01")
    }

    func testMonthDayCountsAndNavigation() throws {
        for y in 1970...2100 {
            for m in 1...12 {
                let month = try XCTUnwrap(Month(year: y, month: m))
                let expected = Self.referenceDaysIn(year: y, month: m)
                XCTAssertEqual(month.dayCount, expected, "\(month)")
                XCTAssertEqual(month.days.count, expected)
                XCTAssertEqual(month.firstDay.description, String(format: "%04d-%02d-01", y, m))
                XCTAssertEqual(month.lastDay.description, String(format: "%04d-%02d-%02d", y, m, expected))
                XCTAssertEqual(month.lastDay.adding(days: 1), month.next.firstDay)
                XCTAssertEqual(month.next.previous, month)
                XCTAssertTrue(month.days.allSatisfy { $0.monthOf == month })
            }
        }
        XCTAssertEqual(Month("2024-12")?.next.description, "2025-01")
        XCTAssertEqual(Month("2025-01")?.previous.description, "2024-12")
        XCTAssertLessThan(Month("2024-12")!, Month("2025-01")!)
    }

    func testBadDayStringsAreRefused() {
        for bad in ["", "2024", "2024-02", "2024-2-01", "2024-02-1", "24-02-01", "2024/02/01", "2024-13-01", "2024-00-10",
                    "2024-04-31", "2024-02-30", "2024-02-00", "2024-02-01T00:00", "2024-02-01 ", " 2024-02-01",
                    "abcd-ef-gh", "2024-02-01-", "2024--2-01", "0000-01-01", "２０２４-02-01",
                    "+024-02-01", "2024-+2-01"] {
            XCTAssertNil(Day(bad), "\(bad.debugDescription) should not parse")
        }
    }

    func testBadMonthStringsAreRefused() {
        XCTAssertEqual(Month("2024-07")?.description, "2024-07")
        for bad in ["", "2024", "2024-1", "2024-13", "2024-00", "202401", "2024-01-01", "2024/01", "24-01", "+024-01"] {
            XCTAssertNil(Month(bad), "\(bad.debugDescription) should not parse")
        }
    }

    /// Billing days begin at midnight in Beijing (UTC+8), not at midnight UTC.
    func testSecondsSince1970CountsDaysFromBeijingMidnight() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let midnight = try XCTUnwrap(calendar.date(from: DateComponents(year: 2024, month: 3, day: 1))).timeIntervalSince1970
        XCTAssertEqual(midnight, 1_709_222_400, "2024-03-01T00:00+08:00 is 2024-02-29T16:00Z")
        XCTAssertEqual(Day(secondsSince1970: midnight).description, "2024-03-01")
        XCTAssertEqual(Day(secondsSince1970: midnight - 1).description, "2024-02-29")
        XCTAssertEqual(Day(secondsSince1970: midnight - 0.001).description, "2024-02-29")
        XCTAssertEqual(Day(secondsSince1970: midnight + 86_399.999).description, "2024-03-01")
        XCTAssertEqual(Day(secondsSince1970: midnight, utcOffsetSeconds: 0).description, "2024-02-29", "the same instant in UTC")
        // Before 1970 (negative seconds) the boundary still falls at Beijing midnight.
        XCTAssertEqual(Day(secondsSince1970: -8 * 3600).description, "1970-01-01")
        XCTAssertEqual(Day(secondsSince1970: -8 * 3600 - 1).description, "1969-12-31")
    }

    func testCodableUsesTheTextForm() throws {
        let day = try XCTUnwrap(Day("2025-06-10"))
        let data = try JSONEncoder().encode([day])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"["2025-06-10"]"#)
        XCTAssertEqual(try JSONDecoder().decode([Day].self, from: data), [day])
        XCTAssertThrowsError(try JSONDecoder().decode([Day].self, from: Data(#"["2025-02-30"]"#.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode([Month].self, from: Data(#"["2025-13"]"#.utf8)))
    }
}
