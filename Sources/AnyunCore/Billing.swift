import Foundation

/// One subscription's metered quantity on one day, in thousandths of its metering unit.
public struct UsageRecord: Codable, Sendable, Equatable {
    public var subscriptionID: Int64
    public var unitID: Int64
    public var service: ServiceKind
    public var day: Day
    public var quantityMilli: Int64
    /// The catalogue price on that day: a price change applies from the day it is made.
    public var unitPrice: Fen

    public init(subscriptionID: Int64, unitID: Int64, service: ServiceKind, day: Day, quantityMilli: Int64, unitPrice: Fen) {
        self.subscriptionID = subscriptionID
        self.unitID = unitID
        self.service = service
        self.day = day
        self.quantityMilli = quantityMilli
        self.unitPrice = unitPrice
    }
}

public struct StatementLine: Codable, Sendable, Equatable {
    public var subscriptionID: Int64
    public var service: ServiceKind
    public var serviceName: String
    public var meteringUnit: MeteringUnit
    public var unitPrice: Fen
    /// Days of the month on which the subscription was metered.
    public var daysUsed: Int
    /// Sum over the days of the daily quantity, in thousandths (quantity × days).
    public var quantityDaysMilli: Int64
    public var amount: Fen

    public init(subscriptionID: Int64, service: ServiceKind, serviceName: String, meteringUnit: MeteringUnit,
                unitPrice: Fen, daysUsed: Int, quantityDaysMilli: Int64, amount: Fen) {
        self.subscriptionID = subscriptionID
        self.service = service
        self.serviceName = serviceName
        self.meteringUnit = meteringUnit
        self.unitPrice = unitPrice
        self.daysUsed = daysUsed
        self.quantityDaysMilli = quantityDaysMilli
        self.amount = amount
    }

    /// The average daily quantity as text with up to three decimals ("2", "1.5", "0.125").
    public var averageQuantityText: String {
        guard daysUsed > 0 else { return "0" }
        let milli = quantityDaysMilli / Int64(daysUsed)
        let whole = milli / 1000, frac = milli % 1000
        if frac == 0 { return String(whole) }
        var f = String(frac)
        while f.count < 3 { f = "0" + f }
        while f.hasSuffix("0") { f.removeLast() }
        return "\(whole).\(f)"
    }
}

/// A unit's settlement statement for one month (月度结算单).
public struct BillingStatement: Codable, Sendable, Equatable {
    public var unitID: Int64
    public var unitName: String
    public var month: Month
    public var lines: [StatementLine]
    public var total: Fen
    /// A closed statement is final and stored; an open one is a preview computed from usage so far.
    public var closed: Bool
    public var generatedAt: Date

    public init(unitID: Int64, unitName: String, month: Month, lines: [StatementLine], closed: Bool, generatedAt: Date) {
        self.unitID = unitID
        self.unitName = unitName
        self.month = month
        self.lines = lines
        self.total = lines.reduce(Fen.zero) { $0 + $1.amount }
        self.closed = closed
        self.generatedAt = generatedAt
    }
}

/// Prorating by actual days: a unit-month price is spread over the month's days, so one host
/// used for 10 days of a 30-day month costs 10/30 of the monthly price.
public enum Proration {
    /// price × quantityDays / (1000 × daysInMonth), rounded half up to the fen.
    public static func amount(unitPrice: Fen, quantityDaysMilli: Int64, daysInMonth: Int) -> Fen {
        precondition(daysInMonth > 0 && quantityDaysMilli >= 0 && unitPrice.value >= 0)
        let numerator = Int128(unitPrice.value) * Int128(quantityDaysMilli)
        let denominator = Int128(1000) * Int128(daysInMonth)
        let rounded = (numerator * 2 + denominator) / (denominator * 2)
        return Fen(Int64(rounded))
    }

    /// Stored bytes as milli-GB (GiB, as storage is billed), rounded half up.
    public static func milliGB(bytes: Int64) -> Int64 {
        let numerator = Int128(max(0, bytes)) * 1000
        let gib = Int128(1) << 30
        return Int64((numerator * 2 + gib) / (gib * 2))
    }
}
