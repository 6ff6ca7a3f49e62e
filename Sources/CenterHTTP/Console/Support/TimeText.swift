import AnyunCore
import Foundation

/// Dates as the operator reads them, in the centre's fixed offset (Beijing time), without
/// DateFormatter: its locale and time-zone database are not what the page should depend on.
struct TimeText: Sendable {
    let utcOffsetSeconds: Int

    func day(_ date: Date) -> Day { Day(secondsSince1970: date.timeIntervalSince1970, utcOffsetSeconds: utcOffsetSeconds) }

    /// `2026-03-01 09:30:05`
    func text(_ date: Date) -> String {
        let local = Int((date.timeIntervalSince1970 + Double(utcOffsetSeconds)).rounded(.down))
        let seconds = ((local % 86400) + 86400) % 86400
        return "\(day(date)) \(pad(seconds / 3600)):\(pad(seconds / 60 % 60)):\(pad(seconds % 60))"
    }

    /// `2026-03-01 09:30`
    func minutes(_ date: Date) -> String { String(text(date).dropLast(3)) }

    func text(_ date: Date?) -> String? { date.map { text($0) } }

    private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}
