import AnyunCore
import Foundation
import XCTest

final class MoneyTests: XCTestCase {
    func testYuanTextParsesExactly() {
        let cases: [(String, Int64)] = [
            ("12", 1200), ("12.5", 1250), ("12.50", 1250), ("12.05", 1205), ("0.01", 1), ("0.1", 10), ("0", 0),
            (" 3.07 ", 307), ("100000000", 10_000_000_000), ("0.99", 99),
        ]
        for (text, fen) in cases { XCTAssertEqual(Fen(yuan: text)?.value, fen, text) }
    }

    func testBadYuanTextIsRefused() {
        for bad in ["", ".", "12.", ".5", "12.345", "-1", "-1.00", "1,000", "1e3", "12.5a", "a", "¥12", "12 .5", "１２"] {
            XCTAssertNil(Fen(yuan: bad), "\(bad.debugDescription) should not parse")
        }
    }

    /// A sign inside the amount must not slip through: "-0.50" is not fifty fen, "12.-5" is not 11.95.
    func testSignsAreRefusedAnywhere() {
        for bad in ["-0.50", "-0", "12.-5", "12.+5", "+12", "+0.5"] {
            XCTAssertNil(Fen(yuan: bad), "\(bad.debugDescription) should not parse, got \(String(describing: Fen(yuan: bad)))")
        }
    }

    /// Amounts beyond Int64 are refused rather than trapping (a crash on a form field is a denial of service).
    func testOverflowIsRefusedNotTrapped() {
        XCTAssertEqual(Fen(yuan: "92233720368547758.07")?.value, Int64.max)
        XCTAssertNil(Fen(yuan: "92233720368547758.08"))
        XCTAssertNil(Fen(yuan: "92233720368547759"))
        XCTAssertNil(Fen(yuan: "99999999999999999999"))
    }

    func testYuanText() {
        XCTAssertEqual(Fen(0).yuanText, "0.00")
        XCTAssertEqual(Fen(5).yuanText, "0.05")
        XCTAssertEqual(Fen(50).yuanText, "0.50")
        XCTAssertEqual(Fen(1250).yuanText, "12.50")
        XCTAssertEqual(Fen(123_456_789).yuanText, "1234567.89")
        XCTAssertEqual(Fen(-1250).yuanText, "-12.50")
        XCTAssertEqual(Fen(-5).yuanText, "-0.05")
        XCTAssertEqual(Fen(Int64.min).yuanText, "-92233720368547758.08")
        XCTAssertEqual(Fen(1250).description, "¥12.50")
    }

    func testYuanTextRoundTrips() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let fen = Fen(Int64.random(in: 0...1_000_000_000_000, using: &rng))
            XCTAssertEqual(Fen(yuan: fen.yuanText), fen)
        }
    }

    func testFenArithmeticAndCoding() throws {
        XCTAssertEqual(Fen(150) + Fen(250), Fen(400))
        XCTAssertEqual(Fen(150) - Fen(250), Fen(-100))
        XCTAssertLessThan(Fen(1), Fen(2))
        XCTAssertEqual(String(decoding: try JSONEncoder().encode([Fen(1234)]), as: UTF8.self), "[1234]", "money travels as integer fen")
    }
}

final class ProrationTests: XCTestCase {
    /// price × quantityDays / (1000 × days), half up, computed through full-width integer
    /// division (no Int128, no floating point): a different route from the implementation's.
    static func reference(price: Int64, quantityDaysMilli: Int64, days: Int) -> Int64 {
        let denominator = Int64(1000 * days)
        let product = price.multipliedFullWidth(by: quantityDaysMilli)
        let (q, r) = denominator.dividingFullWidth(product)
        return r * 2 >= denominator ? q + 1 : q
    }

    func testHandPickedAmounts() {
        // 2 hosts × 10 days of a 30-day month at ¥120.00: exactly 2 × 10 / 30 of the price.
        XCTAssertEqual(Proration.amount(unitPrice: Fen(12_000), quantityDaysMilli: 2 * 10 * 1000, daysInMonth: 30), Fen(8_000))
        // ¥123.46 × 2/3 = 8230.666… → 8231
        XCTAssertEqual(Proration.amount(unitPrice: Fen(12_346), quantityDaysMilli: 20_000, daysInMonth: 30), Fen(8_231))
        // Exactly half a fen rounds up: ¥123.45 for 15 of 30 days = 6172.5 → 6173.
        XCTAssertEqual(Proration.amount(unitPrice: Fen(12_345), quantityDaysMilli: 15_000, daysInMonth: 30), Fen(6_173))
        // Just under half rounds down: 1 fen for 14 of 30 days = 0.4666… → 0; 15 of 31 = 0.48… → 0; 16 of 31 → 1.
        XCTAssertEqual(Proration.amount(unitPrice: Fen(1), quantityDaysMilli: 14_000, daysInMonth: 30), Fen(0))
        XCTAssertEqual(Proration.amount(unitPrice: Fen(1), quantityDaysMilli: 15_000, daysInMonth: 31), Fen(0))
        XCTAssertEqual(Proration.amount(unitPrice: Fen(1), quantityDaysMilli: 16_000, daysInMonth: 31), Fen(1))
        // A whole month of one unit is the monthly price, whatever the month's length.
        for days in 28...31 {
            XCTAssertEqual(Proration.amount(unitPrice: Fen(99_999), quantityDaysMilli: Int64(days) * 1000, daysInMonth: days), Fen(99_999))
        }
        XCTAssertEqual(Proration.amount(unitPrice: Fen(0), quantityDaysMilli: 1_000_000, daysInMonth: 30), Fen(0))
        XCTAssertEqual(Proration.amount(unitPrice: Fen(50_000), quantityDaysMilli: 0, daysInMonth: 30), Fen(0))
        // Fractional quantities (storage in milli-GB) at ¥0.30 per GB-month for 1 day of 30:
        // 0.5 GB costs exactly half a fen → 1; 0.499 GB → 0.
        XCTAssertEqual(Proration.amount(unitPrice: Fen(30), quantityDaysMilli: 500, daysInMonth: 30), Fen(1))
        XCTAssertEqual(Proration.amount(unitPrice: Fen(30), quantityDaysMilli: 499, daysInMonth: 30), Fen(0))
        // 400 TB (409,600 GB) for 31 days at ¥0.30/GB-month = ¥122,880.00 (the reference deployment's size).
        XCTAssertEqual(Proration.amount(unitPrice: Fen(30), quantityDaysMilli: 409_600 * 31 * 1000, daysInMonth: 31), Fen(12_288_000))
    }

    func testRandomAmountsAgreeWithTheReference() {
        var rng = SeededGenerator(seed: 2024)
        for _ in 0..<20_000 {
            let price = Int64.random(in: 0...100_000_000_00, using: &rng)
            let days = Int.random(in: 28...31, using: &rng)
            let qdm = Int64.random(in: 0...(50_000 * 1000 * Int64(days)), using: &rng)
            XCTAssertEqual(Proration.amount(unitPrice: Fen(price), quantityDaysMilli: qdm, daysInMonth: days).value,
                           Self.reference(price: price, quantityDaysMilli: qdm, days: days),
                           "price \(price) qdm \(qdm) days \(days)")
        }
    }

    /// The stored statement's lines add up to its total exactly, however they round.
    func testStatementTotalIsTheSumOfItsLines() {
        var rng = SeededGenerator(seed: 99)
        for _ in 0..<200 {
            let days = Int.random(in: 28...31, using: &rng)
            let lines = (0..<Int.random(in: 1...20, using: &rng)).map { i -> StatementLine in
                let price = Fen(Int64.random(in: 1...1_000_000, using: &rng))
                let qdm = Int64.random(in: 1...(300 * 1000 * Int64(days)), using: &rng)
                return StatementLine(subscriptionID: Int64(i), service: .hostSecurity, serviceName: "主机安全", meteringUnit: .hostMonth,
                                     unitPrice: price, daysUsed: days, quantityDaysMilli: qdm,
                                     amount: Proration.amount(unitPrice: price, quantityDaysMilli: qdm, daysInMonth: days))
            }
            let statement = BillingStatement(unitID: 1, unitName: "市公安局", month: Month(year: 2025, month: 1)!, lines: lines,
                                             closed: true, generatedAt: Date(timeIntervalSince1970: 0))
            XCTAssertEqual(statement.total.value, lines.map(\.amount.value).reduce(0, +))
        }
    }

    func testMilliGB() {
        let gib: Int64 = 1 << 30
        XCTAssertEqual(Proration.milliGB(bytes: 0), 0)
        XCTAssertEqual(Proration.milliGB(bytes: -5), 0, "a negative report counts as nothing")
        XCTAssertEqual(Proration.milliGB(bytes: 1), 0)
        XCTAssertEqual(Proration.milliGB(bytes: gib), 1000, "billed in GiB")
        XCTAssertEqual(Proration.milliGB(bytes: 1_000_000_000), 931, "a decimal GB is 0.931 GiB")
        XCTAssertEqual(Proration.milliGB(bytes: 400 * 1024 * gib), 409_600_000, "400 TiB")
        // 2^26 bytes is exactly 62.5 milli-GiB: half rounds up; one byte less rounds down.
        XCTAssertEqual(Proration.milliGB(bytes: 1 << 26), 63)
        XCTAssertEqual(Proration.milliGB(bytes: (1 << 26) - 1), 62)
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<10_000 {
            let bytes = Int64.random(in: 0...(1 << 55), using: &rng)
            let (q, r) = gib.dividingFullWidth(bytes.multipliedFullWidth(by: 1000))
            XCTAssertEqual(Proration.milliGB(bytes: bytes), r * 2 >= gib ? q + 1 : q, "bytes \(bytes)")
        }
    }

    func testAverageQuantityText() {
        func line(days: Int, qdm: Int64) -> StatementLine {
            StatementLine(subscriptionID: 1, service: .localBackup, serviceName: "本地备份", meteringUnit: .gbMonth, unitPrice: Fen(30),
                          daysUsed: days, quantityDaysMilli: qdm, amount: .zero)
        }
        XCTAssertEqual(line(days: 10, qdm: 20_000).averageQuantityText, "2")
        XCTAssertEqual(line(days: 2, qdm: 3_000).averageQuantityText, "1.5")
        XCTAssertEqual(line(days: 1, qdm: 125).averageQuantityText, "0.125")
        XCTAssertEqual(line(days: 1, qdm: 10_050).averageQuantityText, "10.05")
        XCTAssertEqual(line(days: 0, qdm: 0).averageQuantityText, "0")
    }
}
