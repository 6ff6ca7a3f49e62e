import AnyunCore

/// Reads `VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA
/// [SP MSG]` (RFC 5424 §6) from the byte after the PRI.
///
/// strict follows the RFC as go-syslog enforces it (its test suite is the reference): field
/// lengths 255/48/128/32 of PRINTUSASCII, an RFC 3339 timestamp with offset, SD names of 1–32
/// characters, `"` `\` `]` escaped inside values (a backslash before anything else is an
/// error), no duplicate SD-IDs, and, with `requireUTF8AfterBOM`, a MSG that starts with a BOM
/// must be valid UTF-8. A BOM at the start of MSG is removed (it only declares the encoding), and
/// such a MSG is never guessed to be GBK.
///
/// lenient accepts what real senders get wrong while keeping the grammar recognisable:
/// - any byte above 0x20 (UTF-8, GBK) in header fields;
/// - over-long HOSTNAME/APP-NAME/PROCID/MSGID are cut to their limits (`.truncated`), as
///   syslog-ng does;
/// - the lenient timestamp forms of `SyslogTimestampReader.rfc3339` (no offset = default zone, …);
/// - SD: spaces around `=` and before `]`, names longer than 32, `]` unescaped inside a quoted
///   value, a backslash before another character kept literally (RFC 5424 §6.3.3), repeated
///   SD-IDs kept; MSG right after SD without the separating space; no SD at all at the end of
///   the line;
/// - a STRUCTURED-DATA field that does not parse (or is missing) keeps the header: the SD is
///   empty, `msg` holds the rest of the line verbatim from where SD should start, and
///   `.parseError` says so.
struct RFC5424Reader {
    let strict: Bool
    let requireUTF8AfterBOM: Bool
    let zone: SyslogZone

    static let sp: UInt8 = 0x20

    func read(_ p: UnsafeRawBufferPointer, facility: Int, severity: Int, from start: Int,
              decoder initial: SyslogFieldDecoder) -> SyslogMessage? {
        var decoder = initial
        let n = p.count
        var i = start

        // VERSION = NONZERO-DIGIT 0*2DIGIT
        var version = 0
        var versionDigits = 0
        while i < n, SyslogTimestampReader.isDigit(p[i]) {
            if versionDigits == 0 && p[i] == UInt8(ascii: "0") { return nil }
            version = version * 10 + Int(p[i] &- 0x30)
            versionDigits += 1
            i += 1
            if versionDigits > 3 { return nil }
        }
        guard versionDigits > 0, separator(p, &i) else { return nil }

        // TIMESTAMP
        var time: SyslogParsedTime? = nil
        if isNil(p, i) {
            i += 1
        } else {
            guard let (parsed, end) = SyslogTimestampReader.rfc3339(p, at: i, strict: strict, spaceSeparator: false,
                                                                    zone: zone),
                  end == n || p[end] == Self.sp else { return nil }
            time = parsed
            i = end
        }
        guard separator(p, &i) else { return nil }

        var truncatedField = false
        guard let hostname = field(p, &i, max: 255, truncated: &truncatedField), separator(p, &i),
              let appName = field(p, &i, max: 48, truncated: &truncatedField), separator(p, &i),
              let procID = field(p, &i, max: 128, truncated: &truncatedField), separator(p, &i),
              let msgID = field(p, &i, max: 32, truncated: &truncatedField) else { return nil }
        if truncatedField { decoder.flags.insert(.truncated) }

        var message = SyslogMessage(
            format: .rfc5424, facility: facility, severity: severity, version: version,
            timestamp: time?.micros, timestampUTCOffset: time?.offset, timestampZoneless: time?.zoneless ?? false,
            hostname: hostname.map { decoder.string(p, $0) }, appName: appName.map { decoder.string(p, $0) },
            procID: procID.map { decoder.string(p, $0) }, msgID: msgID.map { decoder.string(p, $0) },
            msg: "")

        // STRUCTURED-DATA
        let sdStart: Int
        if separator(p, &i) {
            sdStart = i
        } else if strict || i < n {
            return nil
        } else {
            sdStart = i
        }
        var msgStart: Int
        if isNil(p, i) {
            msgStart = i + 1
        } else if !strict && i == n {
            // Lenient: the header ends after MSGID; nothing is lost by reading SD as absent.
            msgStart = n
        } else if let (elements, end) = structuredData(p, at: i, decoder: &decoder) {
            message.structuredData = elements
            msgStart = end
        } else if strict {
            return nil
        } else {
            message.flags.insert(.parseError)
            message.msg = decoder.string(p, sdStart..<n)
            message.flags.formUnion(decoder.flags)
            return message
        }

        // MSG
        if msgStart < n {
            if p[msgStart] == Self.sp {
                msgStart += 1
            } else if strict {
                return nil
            }
        }
        if msgStart + 3 <= n, p[msgStart] == 0xEF, p[msgStart + 1] == 0xBB, p[msgStart + 2] == 0xBF {
            msgStart += 3
            if strict && requireUTF8AfterBOM
                && !SyslogText.isValidUTF8(UnsafeRawBufferPointer(rebasing: p[msgStart..<n])) {
                return nil
            }
            message.msg = decoder.declaredUTF8String(p, msgStart..<n)
        } else {
            message.msg = decoder.string(p, msgStart..<n)
        }
        message.flags.formUnion(decoder.flags)
        return message
    }

    /// `-` standing alone as a field.
    @inline(__always)
    private func isNil(_ p: UnsafeRawBufferPointer, _ i: Int) -> Bool {
        i < p.count && p[i] == UInt8(ascii: "-") && (i + 1 == p.count || p[i + 1] == Self.sp)
    }

    /// One SP. Lenient mode does not accept more: a run of spaces would turn an empty field
    /// into a shifted header.
    @inline(__always)
    private func separator(_ p: UnsafeRawBufferPointer, _ i: inout Int) -> Bool {
        guard i < p.count, p[i] == Self.sp else { return false }
        i += 1
        return true
    }

    /// A header field: NILVALUE (nil inside `.some`) or 1*max characters; nil when invalid.
    private func field(_ p: UnsafeRawBufferPointer, _ i: inout Int, max: Int,
                       truncated: inout Bool) -> Range<Int>?? {
        if isNil(p, i) {
            i += 1
            return .some(nil)
        }
        let start = i
        while i < p.count {
            let b = p[i]
            if b == Self.sp { break }
            if strict ? (b < 0x21 || b > 0x7E) : (b < 0x21 || b == 0x7F) { return nil }
            i += 1
        }
        let length = i - start
        if length == 0 { return nil }
        if length > max {
            if strict { return nil }
            truncated = true
            // Cut on a character boundary when the field is UTF-8.
            let cut = SyslogText.utf8SafePrefixLength(UnsafeRawBufferPointer(rebasing: p[start..<i]), limit: max)
            return .some(start..<(start + cut))
        }
        return .some(start..<i)
    }

    /// 1*SD-ELEMENT starting at `i` (which is `[`); the elements and the index after the last `]`.
    private func structuredData(_ p: UnsafeRawBufferPointer, at start: Int,
                                decoder: inout SyslogFieldDecoder) -> ([SDElement], Int)? {
        let n = p.count
        var i = start
        guard i < n, p[i] == UInt8(ascii: "[") else { return nil }
        var elements: [SDElement] = []
        while i < n, p[i] == UInt8(ascii: "[") {
            i += 1
            guard let idRange = sdName(p, &i) else { return nil }
            var element = SDElement(id: decoder.string(p, idRange))
            if strict, elements.contains(where: { $0.id == element.id }) { return nil }
            while true {
                guard i < n else { return nil }
                if p[i] == UInt8(ascii: "]") {
                    i += 1
                    break
                }
                guard p[i] == Self.sp else { return nil }
                i += 1
                if !strict {
                    skipSpaces(p, &i)
                    if i < n, p[i] == UInt8(ascii: "]") { continue }
                }
                guard let nameRange = sdName(p, &i) else { return nil }
                if !strict { skipSpaces(p, &i) }
                guard i < n, p[i] == UInt8(ascii: "=") else { return nil }
                i += 1
                if !strict { skipSpaces(p, &i) }
                guard i < n, p[i] == UInt8(ascii: "\"") else { return nil }
                i += 1
                guard let value = paramValue(p, &i, decoder: &decoder) else { return nil }
                element.params.append(SDParam(name: decoder.string(p, nameRange), value: value))
            }
            elements.append(element)
        }
        return (elements, i)
    }

    @inline(__always)
    private func skipSpaces(_ p: UnsafeRawBufferPointer, _ i: inout Int) {
        while i < p.count, p[i] == Self.sp { i += 1 }
    }

    /// SD-NAME = 1*32 PRINTUSASCII except `=`, SP, `]`, `"` (lenient: no length limit).
    private func sdName(_ p: UnsafeRawBufferPointer, _ i: inout Int) -> Range<Int>? {
        let start = i
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "=") || b == Self.sp || b == UInt8(ascii: "]") || b == UInt8(ascii: "\"") { break }
            if b < 0x21 || b > 0x7E { return nil }
            i += 1
        }
        let length = i - start
        guard length > 0, !strict || length <= 32 else { return nil }
        return start..<i
    }

    /// PARAM-VALUE after the opening quote, up to and including the closing one, unescaped.
    private func paramValue(_ p: UnsafeRawBufferPointer, _ i: inout Int, decoder: inout SyslogFieldDecoder) -> String? {
        let n = p.count
        let start = i
        var hasEscape = false
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                if i + 1 < n, isEscapable(p[i + 1]) {
                    hasEscape = true
                    i += 2
                    continue
                }
                if strict { return nil }
            } else if b == UInt8(ascii: "]") && strict {
                return nil
            }
            i += 1
        }
        guard i < n else { return nil }
        let end = i
        i += 1  // the closing quote
        if !hasEscape { return decoder.string(p, start..<end) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(end - start)
        var k = start
        while k < end {
            if p[k] == UInt8(ascii: "\\"), k + 1 < end, isEscapable(p[k + 1]) {
                bytes.append(p[k + 1])
                k += 2
            } else {
                bytes.append(p[k])
                k += 1
            }
        }
        return decoder.string(bytes)
    }

    @inline(__always)
    private func isEscapable(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "]")
    }
}
