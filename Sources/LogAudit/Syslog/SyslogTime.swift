import Foundation

/// Proleptic-Gregorian date arithmetic on integers (H. Hinnant's algorithms): the parser turns
/// timestamps into epoch microseconds without Calendar or DateFormatter, which cost
/// microseconds per call and would dominate the per-line budget.
enum SyslogCivilTime {
    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a civil date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func date(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Seconds since the epoch of a wall-clock time read as if it were UTC.
    static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        Int64(days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// The zone assumed for timestamps that carry none (RFC 3164 never does).
///
/// A zone without daylight saving (Asia/Shanghai, the default) is reduced to a fixed offset so
/// the hot path never calls into Foundation; zones with DST ask `TimeZone` per timestamp.
struct SyslogZone: Sendable {
    let timeZone: TimeZone
    let fixedOffset: Int?

    init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        // "No transition from 2000 on" is what matters for live logs; older DST history (China
        // had DST until 1991) would only shift timestamps that no device sends any more.
        let since2000 = Date(timeIntervalSince1970: 946_684_800)
        if timeZone.nextDaylightSavingTimeTransition(after: since2000) == nil {
            fixedOffset = timeZone.secondsFromGMT(for: since2000)
        } else {
            fixedOffset = nil
        }
    }

    func offset(atUTC seconds: Int64) -> Int {
        if let fixedOffset { return fixedOffset }
        return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
    }

    /// UTC seconds and the offset in force for a wall-clock time in this zone. In a DST gap or
    /// overlap the offset found by the second probe wins (one of the two possible readings).
    func utc(fromLocal local: Int64) -> (utc: Int64, offset: Int) {
        if let fixedOffset { return (local - Int64(fixedOffset), fixedOffset) }
        let first = offset(atUTC: local)
        let second = offset(atUTC: local - Int64(first))
        return (local - Int64(second), second)
    }
}

/// A timestamp as read from a line, before the zone is settled.
struct SyslogParsedTime {
    var micros: Int64
    var offset: Int
    var zoneless: Bool
}

/// Byte-level readers for the timestamp forms syslog senders use.
enum SyslogTimestampReader {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// Reads exactly `n` ASCII digits at `i`.
    @inline(__always)
    static func digits(_ p: UnsafeRawBufferPointer, _ i: Int, _ n: Int) -> Int? {
        guard i + n <= p.count else { return nil }
        var v = 0
        for k in i..<(i + n) {
            let d = p[k] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// RFC 3339 `FULL-DATE "T" FULL-TIME` starting at `i`.
    ///
    /// strict (RFC 5424 §6.2.3): upper-case `T`/`Z`, 1–6 fraction digits, a mandatory offset with
    /// hours ≤ 23 and minutes ≤ 59, no leap second. Lenient: also `t`/`z`, a space instead of `T`
    /// when `spaceSeparator`, any number of fraction digits (cut to microseconds, a dangling dot
    /// is accepted), `±HHMM` / `±HH` offsets, no offset at all (the default zone), second 60.
    /// Returns the time and the index just past it; the caller checks what follows.
    static func rfc3339(_ p: UnsafeRawBufferPointer, at start: Int, strict: Bool, spaceSeparator: Bool,
                        zone: SyslogZone) -> (SyslogParsedTime, Int)? {
        var i = start
        guard let year = digits(p, i, 4), i + 4 < p.count, p[i + 4] == UInt8(ascii: "-") else { return nil }
        i += 5
        guard let month = digits(p, i, 2), (1...12).contains(month), i + 2 < p.count,
              p[i + 2] == UInt8(ascii: "-") else { return nil }
        i += 3
        guard let day = digits(p, i, 2), day >= 1, day <= SyslogCivilTime.daysInMonth(year, month) else { return nil }
        i += 2
        guard i < p.count else { return nil }
        let sep = p[i]
        if sep == UInt8(ascii: "T") || (!strict && (sep == UInt8(ascii: "t") || (spaceSeparator && sep == 0x20))) {
            i += 1
        } else {
            return nil
        }
        guard let (secondsOfDay, afterTime) = clock(p, at: i, strict: strict) else { return nil }
        i = afterTime
        var micros = 0
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i += 1
            let (fraction, count, end) = fractionDigits(p, at: i)
            if strict && (count == 0 || count > 6) { return nil }
            micros = fraction
            i = end
        }
        var offset: Int? = nil
        if i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "Z") || (!strict && b == UInt8(ascii: "z")) {
                offset = 0
                i += 1
            } else if b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
                guard let (seconds, end) = utcOffset(p, at: i, strict: strict) else { return nil }
                offset = seconds
                i = end
            }
        }
        if strict && offset == nil { return nil }
        let local = SyslogCivilTime.seconds(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
            + Int64(secondsOfDay)
        let time: SyslogParsedTime
        if let offset {
            time = SyslogParsedTime(micros: (local - Int64(offset)) * 1_000_000 + Int64(micros), offset: offset,
                                    zoneless: false)
        } else {
            let (utc, assumed) = zone.utc(fromLocal: local)
            time = SyslogParsedTime(micros: utc * 1_000_000 + Int64(micros), offset: assumed, zoneless: true)
        }
        return (time, i)
    }

    /// `HH:MM:SS` as seconds of the day and the index past it. Not strict: the hour may be one
    /// digit (some devices send `6:30:00`) and a leap second 60 is read as the next minute.
    static func clock(_ p: UnsafeRawBufferPointer, at start: Int, strict: Bool) -> (Int, Int)? {
        let maxSecond = strict ? 59 : 60
        var i = start
        var hour: Int
        if let h = digits(p, i, 2) {
            hour = h
            i += 2
        } else if !strict, let h = digits(p, i, 1) {
            hour = h
            i += 1
        } else {
            return nil
        }
        guard hour <= 23, i < p.count, p[i] == UInt8(ascii: ":"),
              let minute = digits(p, i + 1, 2), minute <= 59, i + 3 < p.count, p[i + 3] == UInt8(ascii: ":"),
              let second = digits(p, i + 4, 2), second <= maxSecond else { return nil }
        hour = hour * 3600 + minute * 60 + second
        return (hour, i + 6)
    }

    /// Digits of a fraction of a second: (microseconds, digit count, end index).
    static func fractionDigits(_ p: UnsafeRawBufferPointer, at start: Int) -> (Int, Int, Int) {
        var i = start
        var micros = 0
        var count = 0
        while i < p.count, isDigit(p[i]) {
            if count < 6 { micros = micros * 10 + Int(p[i] &- 0x30) }
            count += 1
            i += 1
        }
        var scale = count
        while scale < 6 { micros *= 10; scale += 1 }
        return (micros, count, i)
    }

    /// `±HH:MM` (lenient also `±HHMM`, `±HH`); seconds east of UTC.
    static func utcOffset(_ p: UnsafeRawBufferPointer, at start: Int, strict: Bool) -> (Int, Int)? {
        let sign = p[start] == UInt8(ascii: "-") ? -1 : 1
        var i = start + 1
        guard let hours = digits(p, i, 2), hours <= 23 else { return nil }
        i += 2
        var minutes = 0
        if i < p.count, p[i] == UInt8(ascii: ":") {
            guard let m = digits(p, i + 1, 2), m <= 59 else { return nil }
            minutes = m
            i += 3
        } else if strict {
            return nil
        } else if let m = digits(p, i, 2), m <= 59 {
            minutes = m
            i += 2
        }
        return (sign * (hours * 3600 + minutes * 60), i)
    }

    /// Month of a three-letter English abbreviation, any case.
    @inline(__always)
    static func month(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        // Lower-case by setting bit 5; only letters reach the comparison below.
        let key = (UInt32(a | 0x20) << 16) | (UInt32(b | 0x20) << 8) | UInt32(c | 0x20)
        switch key {
        case 0x6A616E: return 1   // jan
        case 0x666562: return 2   // feb
        case 0x6D6172: return 3   // mar
        case 0x617072: return 4   // apr
        case 0x6D6179: return 5   // may
        case 0x6A756E: return 6   // jun
        case 0x6A756C: return 7   // jul
        case 0x617567: return 8   // aug
        case 0x736570: return 9   // sep
        case 0x6F6374: return 10  // oct
        case 0x6E6F76: return 11  // nov
        case 0x646563: return 12  // dec
        default: return nil
        }
    }

    /// The year a BSD timestamp (which has none) most plausibly belongs to: the latest of
    /// received-year+1 … received-year−4 that does not put it more than `maxFutureSkew` seconds
    /// after the receive time. That is the nearest reading, except that a date far in the
    /// future is taken to be last year's (a late or replayed line is likelier than a clock
    /// running months ahead). Feb 29 falls back to the nearest leap year.
    static func inferYear(month: Int, day: Int, secondsOfDay: Int, received: Int64, maxFutureSkew: Int64,
                          zone: SyslogZone) -> (utc: Int64, offset: Int)? {
        let receivedSeconds = SyslogCivilTime.floorDiv(received, 1_000_000)
        let localNow = receivedSeconds + Int64(zone.offset(atUTC: receivedSeconds))
        let receivedYear = SyslogCivilTime.date(days: Int(SyslogCivilTime.floorDiv(localNow, 86_400))).year
        var year = receivedYear + 1
        while year >= receivedYear - 4 {
            defer { year -= 1 }
            guard day <= SyslogCivilTime.daysInMonth(year, month) else { continue }
            let local = SyslogCivilTime.seconds(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
                + Int64(secondsOfDay)
            let (utc, offset) = zone.utc(fromLocal: local)
            if utc <= receivedSeconds + maxFutureSkew { return (utc, offset) }
        }
        return nil
    }
}
