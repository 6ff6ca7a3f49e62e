import AnyunCore

/// Reads the BSD syslog header (RFC 3164 §4.1.2) the lenient way: as devices and syslogd
/// files really write it, from the byte after the PRI (or from the start when there is none).
///
/// Header: optional spaces; an optional Cisco sequence number (`91: `) and clock marker (`*`
/// not synced, `.`); a timestamp in one of these forms:
/// - `Mmm dd hh:mm:ss` (month in any case, day with or without padding), optionally with a
///   fraction (`.156`, or H3C's `:123`), an offset (`+08:00`, `Z`), a Cisco zone label
///   (` UTC:`/` GMT:` = UTC; ` CST:`/` BJT:`/` CCT:` = the default zone), a year before
///   (`Apr 15 2007 21:28:13`) or after (`Apr 15 21:28:13 2007`) the time, and a trailing `:`;
///   without a year it is inferred from the receive time (`SyslogTimestampReader.inferYear`);
/// - ISO 8601 / RFC 3339 (`2024-01-15T10:20:30.123+08:00`, also with a space for `T`, without
///   an offset = default zone).
///
/// Then HOSTNAME and TAG. Where rsyslog and syslog-ng disagree, this reader decides:
/// - The word after the timestamp is the hostname when it looks like one (letters, digits,
///   `-` `.` `_`, non-ASCII, or an IPv6 address) — also when it is the last word of the line
///   (rsyslog; syslog-ng makes a lone word the program). A word with `[`, `%`, `/`, a single
///   `:`, or rejected by `Options.isBadHostname`, is not a hostname and is read as the tag
///   instead (syslog-ng's check-hostname / bad-hostname behaviour).
/// - The tag is `prog[pid]:`, `prog[pid]`, `prog:`, `prog:msg` / `prog[pid]:msg` (no space,
///   as Huawei VRP sends it), or — like both rsyslog and syslog-ng — a bare first word without
///   a colon (`-- MARK --` gives `--`). go-syslog instead leaves such lines without a tag; we
///   follow the two syslogds.
/// - A tag may contain one space when the second word ends it with `:` or `[pid]:`
///   (`syslogd 1.4.1:`, `-- root[2421]:`, as sysklogd writes them), but only right after a
///   hostname, so a demoted first word stays a one-word program as syslog-ng has it.
/// - A four-digit word right after the time is a year (syslog-ng: Linksys `21:28:13 2007`);
///   rsyslog would make it the hostname.
/// - AIX relays' `Message forwarded from HOST: ` gives the hostname.
/// - The one space after the tag is a separator, not part of `msg` (rsyslog keeps it).
/// - Without a timestamp (`<15> openvpn[2499]: …`) no hostname is looked for and only a
///   marked tag (`[pid]` or a trailing `:`) is taken: RFC 3164 §4.3.3 treats such a line as
///   all MSG.
/// - Without PRI the default priority is 13 (user.notice); without PRI *and* timestamp the
///   line is not syslog at all: the caller stores it `.unparsed`.
struct RFC3164Reader {
    let zone: SyslogZone
    let maxFutureSkew: Int64
    let expectHostname: Bool
    let isBadHostname: (@Sendable (String) -> Bool)?

    static let sp: UInt8 = 0x20

    private enum TagMode { case afterHostname, singleWord, markedOnly }

    /// nil when the line has neither a PRI nor a timestamp.
    func read(_ p: UnsafeRawBufferPointer, facility: Int?, severity: Int?, from start: Int, received: Int64,
              decoder initial: SyslogFieldDecoder) -> SyslogMessage? {
        var decoder = initial
        let n = p.count
        var i = start
        skipSpaces(p, &i)
        var time: SyslogParsedTime? = nil
        if let (parsed, end) = headerTimestamp(p, at: i, received: received) {
            time = parsed
            i = end
            skipSpaces(p, &i)
        }
        if facility == nil && time == nil { return nil }

        var hostname: Range<Int>? = nil
        let mode: TagMode
        if time == nil {
            mode = .markedOnly
        } else if let (host, end) = forwardedFrom(p, at: i) {
            hostname = host
            i = end
            mode = .afterHostname
        } else if expectHostname {
            let wordEnd = nextSpace(p, from: i)
            if wordEnd > i, isHostname(p, i..<wordEnd) {
                hostname = i..<wordEnd
                i = wordEnd
                skipSpaces(p, &i)
                mode = .afterHostname
            } else {
                mode = .singleWord
            }
        } else {
            mode = .singleWord
        }
        let (app, pid, msgStart) = tag(p, from: i, mode: mode)

        var message = SyslogMessage(
            format: .rfc3164, facility: facility ?? 1, severity: severity ?? 5,
            timestamp: time?.micros, timestampUTCOffset: time?.offset, timestampZoneless: time?.zoneless ?? false,
            hostname: hostname.map { decoder.string(p, $0) }, appName: app.map { decoder.string(p, $0) },
            procID: pid.map { decoder.string(p, $0) },
            msg: decoder.string(p, min(msgStart, n)..<n))
        message.flags = decoder.flags
        return message
    }

    // MARK: - Timestamp

    private func headerTimestamp(_ p: UnsafeRawBufferPointer, at start: Int,
                                 received: Int64) -> (SyslogParsedTime, Int)? {
        // Cisco IOS: "91: *Oct 07 03:10:04: …" (sequence numbers on).
        var k = start
        while k < p.count, k - start < 10, SyslogTimestampReader.isDigit(p[k]) { k += 1 }
        if k > start, k + 1 < p.count, p[k] == UInt8(ascii: ":"), p[k + 1] == Self.sp {
            k += 1
            skipSpaces(p, &k)
            if let found = timestamp(p, at: k, received: received) { return found }
        }
        return timestamp(p, at: start, received: received)
    }

    private func timestamp(_ p: UnsafeRawBufferPointer, at start: Int, received: Int64) -> (SyslogParsedTime, Int)? {
        var i = start
        guard i < p.count else { return nil }
        if p[i] == UInt8(ascii: "*") || p[i] == UInt8(ascii: ".") { i += 1 }
        if SyslogTimestampReader.digits(p, i, 4) != nil {
            guard i + 4 < p.count, p[i + 4] == UInt8(ascii: "-"),
                  let (time, end) = SyslogTimestampReader.rfc3339(p, at: i, strict: false, spaceSeparator: true,
                                                                  zone: zone)
            else { return nil }
            var e = end
            if e < p.count, p[e] == UInt8(ascii: ":") { e += 1 }
            guard e == p.count || p[e] == Self.sp else { return nil }
            return (time, e)
        }
        return bsdTimestamp(p, at: i, received: received)
    }

    private func bsdTimestamp(_ p: UnsafeRawBufferPointer, at start: Int, received: Int64) -> (SyslogParsedTime, Int)? {
        let n = p.count
        var i = start
        guard i + 3 < n, let month = SyslogTimestampReader.month(p[i], p[i + 1], p[i + 2]), p[i + 3] == Self.sp else {
            return nil
        }
        i += 3
        skipSpaces(p, &i)
        var day = 0
        let dayStart = i
        while i < n, i - dayStart < 2, SyslogTimestampReader.isDigit(p[i]) {
            day = day * 10 + Int(p[i] &- 0x30)
            i += 1
        }
        guard i > dayStart, (1...31).contains(day), i < n, p[i] == Self.sp else { return nil }
        skipSpaces(p, &i)
        var year: Int? = nil
        if let y = SyslogTimestampReader.digits(p, i, 4), i + 4 < n, p[i + 4] == Self.sp {
            year = y
            i += 4
            skipSpaces(p, &i)
        }
        guard let (secondsOfDay, afterClock) = SyslogTimestampReader.clock(p, at: i, strict: false) else { return nil }
        i = afterClock
        var micros = 0
        if i < n, p[i] == UInt8(ascii: ".") {
            (micros, _, i) = SyslogTimestampReader.fractionDigits(p, at: i + 1)
        } else if i < n, p[i] == UInt8(ascii: ":"), let ms = SyslogTimestampReader.digits(p, i + 1, 3),
                  i + 4 == n || p[i + 4] == Self.sp {
            micros = ms * 1000
            i += 4
        }
        var offset: Int? = nil
        if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-"),
           let (seconds, end) = SyslogTimestampReader.utcOffset(p, at: i, strict: false) {
            offset = seconds
            i = end
        } else if i < n, p[i] == UInt8(ascii: "Z") {
            offset = 0
            i += 1
        } else if i + 4 < n, p[i] == Self.sp, p[i + 4] == UInt8(ascii: ":") {
            switch (p[i + 1], p[i + 2], p[i + 3]) {
            case (0x55, 0x54, 0x43), (0x47, 0x4D, 0x54):  // UTC, GMT
                offset = 0
                i += 4
            case (0x43, 0x53, 0x54), (0x42, 0x4A, 0x54), (0x43, 0x43, 0x54):  // CST, BJT, CCT: China
                i += 4
            default:
                break
            }
        }
        if year == nil, i < n, p[i] == Self.sp, let y = SyslogTimestampReader.digits(p, i + 1, 4),
           (1970...2199).contains(y),
           i + 5 == n || p[i + 5] == Self.sp {
            year = y
            i += 5
        }
        if i < n, p[i] == UInt8(ascii: ":") { i += 1 }
        guard i == n || p[i] == Self.sp else { return nil }

        let utc: Int64
        let usedOffset: Int
        if let year {
            guard day <= SyslogCivilTime.daysInMonth(year, month) else { return nil }
            let local = SyslogCivilTime.seconds(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
                + Int64(secondsOfDay)
            if let offset {
                (utc, usedOffset) = (local - Int64(offset), offset)
            } else {
                (utc, usedOffset) = zone.utc(fromLocal: local)
            }
        } else {
            guard let (inferred, zoneOffset) = SyslogTimestampReader.inferYear(
                month: month, day: day, secondsOfDay: secondsOfDay, received: received,
                maxFutureSkew: maxFutureSkew, zone: zone) else { return nil }
            if let offset {
                (utc, usedOffset) = (inferred + Int64(zoneOffset) - Int64(offset), offset)
            } else {
                (utc, usedOffset) = (inferred, zoneOffset)
            }
        }
        let micros64 = utc * 1_000_000 + Int64(micros)
        return (SyslogParsedTime(micros: micros64, offset: usedOffset, zoneless: offset == nil), i)
    }

    // MARK: - Hostname

    private static let forwardedPrefix = Array("Message forwarded from ".utf8)

    /// AIX syslogd relays write `Message forwarded from HOST: ` where the hostname goes.
    private func forwardedFrom(_ p: UnsafeRawBufferPointer, at start: Int) -> (Range<Int>, Int)? {
        let prefix = Self.forwardedPrefix
        guard start + prefix.count < p.count, p[start] == prefix[0] else { return nil }
        for k in 1..<prefix.count where p[start + k] != prefix[k] { return nil }
        let hostStart = start + prefix.count
        var i = hostStart
        while i < p.count, p[i] != UInt8(ascii: ":"), p[i] != Self.sp { i += 1 }
        guard i > hostStart, i < p.count, p[i] == UInt8(ascii: ":") else { return nil }
        var end = i + 1
        skipSpaces(p, &end)
        return (hostStart..<i, end)
    }

    private func isHostname(_ p: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count <= 255 else { return false }
        var colons = 0
        var hexColonDot = true
        for k in range {
            let b = p[k]
            switch b {
            case UInt8(ascii: ":"):
                colons += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                 UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "."):
                break
            case UInt8(ascii: "g")...UInt8(ascii: "z"), UInt8(ascii: "G")...UInt8(ascii: "Z"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), 0x80...0xFF:
                hexColonDot = false
            default:
                return false
            }
        }
        // One colon is `tag:` or `tag:msg`; several are an IPv6 address (`0002::`).
        if colons == 1 || (colons > 1 && !hexColonDot) { return false }
        if let isBadHostname {
            let word = String(decoding: UnsafeRawBufferPointer(rebasing: p[range]), as: UTF8.self)
            if isBadHostname(word) { return false }
        }
        return true
    }

    // MARK: - Tag

    /// The tag (program), its pid, and where MSG starts.
    private func tag(_ p: UnsafeRawBufferPointer, from start: Int, mode: TagMode) -> (Range<Int>?, Range<Int>?, Int) {
        let n = p.count
        guard start < n else { return (nil, nil, start) }
        let wordEnd = nextSpace(p, from: start)
        if let marked = markedTag(p, start..<wordEnd, allowInlineMessage: mode != .markedOnly) {
            return (marked.app, marked.pid, marked.inlineMessage ?? afterSeparator(p, wordEnd))
        }
        if firstMark(p, start..<wordEnd) != nil || mode == .markedOnly || !isBareTag(p, start..<wordEnd) {
            return (nil, nil, start)
        }
        if mode == .afterHostname, wordEnd < n {
            // `syslogd 1.4.1: restart.` / `-- root[2421]: ROOT LOGIN` — one space inside the tag.
            let second = wordEnd + 1
            let secondEnd = nextSpace(p, from: second)
            if secondEnd > second, secondEnd - start <= 48, p[secondEnd - 1] == UInt8(ascii: ":"),
               let marked = markedTag(p, second..<secondEnd, allowInlineMessage: false) {
                return (start..<marked.app.upperBound, marked.pid, afterSeparator(p, secondEnd))
            }
        }
        return (start..<wordEnd, nil, afterSeparator(p, wordEnd))
    }

    /// `prog[pid]`, `prog[pid]:`, `prog:` and (with `allowInlineMessage`) `prog:msg` /
    /// `prog[pid]:msg` as a word:
    /// the program (without the colon), the pid, and where an inline message starts.
    private func markedTag(_ p: UnsafeRawBufferPointer, _ word: Range<Int>, allowInlineMessage: Bool)
        -> (app: Range<Int>, pid: Range<Int>?, inlineMessage: Int?)? {
        guard let mark = firstMark(p, word), mark > word.lowerBound, mark - word.lowerBound <= 128 else { return nil }
        if p[mark] == UInt8(ascii: "[") {
            var close = mark + 1
            while close < word.upperBound, p[close] != UInt8(ascii: "]") { close += 1 }
            guard close < word.upperBound else { return nil }
            var after = close + 1
            if after == word.upperBound { return (word.lowerBound..<mark, (mark + 1)..<close, nil) }
            guard p[after] == UInt8(ascii: ":") else { return nil }
            after += 1
            if after == word.upperBound { return (word.lowerBound..<mark, (mark + 1)..<close, nil) }
            // Huawei VRP: `%%01SHELL/5/CMDRECORD(s)[0]:Recorded command …`.
            guard allowInlineMessage else { return nil }
            return (word.lowerBound..<mark, (mark + 1)..<close, after)
        }
        // A colon: `prog:` ends the word, `prog:msg` needs a name-like prog.
        if mark == word.upperBound - 1 { return (word.lowerBound..<mark, nil, nil) }
        guard allowInlineMessage, isInlineTag(p, word.lowerBound..<mark), p[mark + 1] != UInt8(ascii: "/") else {
            return nil
        }
        return (word.lowerBound..<mark, nil, mark + 1)
    }

    /// Index of the first `[` or `:` in the word.
    private func firstMark(_ p: UnsafeRawBufferPointer, _ word: Range<Int>) -> Int? {
        for k in word where p[k] == UInt8(ascii: "[") || p[k] == UInt8(ascii: ":") { return k }
        return nil
    }

    /// A program name written without `:` or `[pid]`: short, and not a key=value or quoted
    /// fragment of a message.
    private func isBareTag(_ p: UnsafeRawBufferPointer, _ word: Range<Int>) -> Bool {
        guard !word.isEmpty, word.count <= 48 else { return false }
        for k in word {
            switch p[k] {
            case 0..<0x21, 0x7F, UInt8(ascii: "="), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ","),
                 UInt8(ascii: ";"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "<"), UInt8(ascii: ">"),
                 UInt8(ascii: "\\"), UInt8(ascii: "["), UInt8(ascii: "]"):
                return false
            default:
                continue
            }
        }
        return true
    }

    /// The program of `prog:msg`: a name-like word that is not a number (`12:30`) or a URL.
    private func isInlineTag(_ p: UnsafeRawBufferPointer, _ word: Range<Int>) -> Bool {
        guard word.count <= 48 else { return false }
        var hasLetter = false
        for k in word {
            switch p[k] {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                hasLetter = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "%"), UInt8(ascii: "/"), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            default:
                return false
            }
        }
        return hasLetter
    }

    // MARK: - Bytes

    @inline(__always)
    private func skipSpaces(_ p: UnsafeRawBufferPointer, _ i: inout Int) {
        while i < p.count, p[i] == Self.sp { i += 1 }
    }

    @inline(__always)
    private func nextSpace(_ p: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while i < p.count, p[i] != Self.sp { i += 1 }
        return i
    }

    /// MSG starts after one separating space.
    @inline(__always)
    private func afterSeparator(_ p: UnsafeRawBufferPointer, _ wordEnd: Int) -> Int {
        wordEnd < p.count && p[wordEnd] == Self.sp ? wordEnd + 1 : wordEnd
    }
}
