/// Text forms of the synthetic lines: RFC 5424 lines, their TCP framings (RFC 6587), and the
/// timestamps inside them, written by hand because the formatters cost more than the line.
enum SyslogText {
    enum Framing: String {
        /// `LEN SP MSG`, RFC 6587 §3.4.1: what RFC 5424 senders should use over TCP.
        case octet
        /// `MSG LF`, the traditional framing most daemons send by default.
        case newline
    }

    /// Beijing time: the cloud's own clock, as its hosts stamp their lines.
    static let utcOffsetSeconds = 8 * 3600

    /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG` (RFC 5424 §6).
    static func rfc5424(_ log: SyntheticLog, time: Int64) -> String {
        "<\(log.facility * 8 + log.severity)>1 \(rfc3339(time)) \(SyslogSynthetic.hostname(log.hostIndex)) \(log.app) "
            + "\(log.procID ?? "-") \(log.msgID ?? "-") \(log.structuredData ?? "-") \(log.message)"
    }

    static func frame(_ line: String, _ framing: Framing) -> [UInt8] {
        let bytes = Array(line.utf8)
        switch framing {
        case .octet: return Array("\(bytes.count) ".utf8) + bytes
        case .newline: return bytes + [0x0A]
        }
    }

    /// `2026-11-25T11:22:33.123456+08:00`.
    static func rfc3339(_ microseconds: Int64) -> String {
        let t = Clock(microseconds)
        return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))"
            + ".\(pad(t.micros, 6))+08:00"
    }

    /// nginx's `$time_local`: `25/Nov/2026:11:22:33 +0800`.
    static func nginxTime(_ microseconds: Int64) -> String {
        let t = Clock(microseconds)
        return "\(pad(t.day, 2))/\(monthNames[t.month - 1])/\(t.year):\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2)) +0800"
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Civil time at +08:00, after H. Hinnant's `civil_from_days`.
    private struct Clock {
        var year, month, day, hour, minute, second, micros: Int

        init(_ microseconds: Int64) {
            let local = microseconds + Int64(SyslogText.utcOffsetSeconds) * 1_000_000
            let seconds = Int(local >= 0 ? local / 1_000_000 : (local - 999_999) / 1_000_000)
            micros = Int(local - Int64(seconds) * 1_000_000)
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let secondOfDay = seconds - days * 86_400
            hour = secondOfDay / 3600
            minute = secondOfDay / 60 % 60
            second = secondOfDay % 60
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = doy - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        }
    }
}
