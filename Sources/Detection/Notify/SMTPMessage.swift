import Foundation

/// A plain-text UTF-8 mail, rendered as RFC 5322 headers (non-ASCII through RFC 2047 encoded
/// words) and a base64 body, so it passes any 7-bit relay unchanged.
struct SMTPMessage {
    var from: String
    var fromName: String?
    var to: [String]
    var subject: String
    var body: String
    var date: Date
    var messageID: String

    init(from: String, fromName: String?, to: [String], subject: String, body: String, date: Date = Date(),
         messageID: String? = nil) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID ?? Self.makeMessageID(from: from, date: date)
    }

    /// The message with CRLF line ends, ready for DATA (before dot-stuffing).
    func rendered() -> String {
        var headers = [
            "Date: \(ShanghaiTime.rfc5322(date))",
            Self.mailbox(header: "From", name: fromName, address: from),
            // One address a line: any number of recipients stays under the 998-byte line limit.
            "To: " + to.map { "<\($0)>" }.joined(separator: ",\r\n "),
            "Subject: \(Self.encodedWords(subject, prefixLength: "Subject: ".count))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "X-Mailer: anyun",
        ]
        headers.append("")
        let encoded = Array(Data(body.utf8).base64EncodedString())
        let bodyLines = stride(from: 0, to: encoded.count, by: 76).map { String(encoded[$0..<min($0 + 76, encoded.count)]) }
        return (headers + bodyLines).joined(separator: "\r\n") + "\r\n"
    }

    /// `=?UTF-8?B?…?=` words split between characters and folded onto continuation lines, each
    /// line at most 76 characters (RFC 2047 §2) counting the `prefixLength` characters of
    /// "Subject: " or whatever precedes the first word on its line.
    static func encodedWords(_ text: String, prefixLength: Int = 0) -> String {
        // A word of n bytes takes 12 characters of framing and 4·⌈n/3⌉ of base64.
        func budget(_ lineRoom: Int) -> Int { max(3, (lineRoom - 12) / 4 * 3) }
        var maxBytes = budget(min(75, 76 - prefixLength))
        var words: [String] = []
        var chunk = ""
        var chunkBytes = 0
        for character in text {
            let size = character.utf8.count
            if chunkBytes + size > maxBytes && !chunk.isEmpty {
                words.append(chunk)
                chunk = ""
                chunkBytes = 0
                maxBytes = budget(75)  // continuation lines start with one space
            }
            chunk.append(character)
            chunkBytes += size
        }
        if !chunk.isEmpty || words.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// "From: =?UTF-8?B?…?= <a@b>", the address folded onto its own line when it would not fit.
    static func mailbox(header: String, name: String?, address: String) -> String {
        guard let name, !name.isEmpty else { return "\(header): <\(address)>" }
        let words = encodedWords(name, prefixLength: header.count + 2)
        let lastLine = words.components(separatedBy: "\r\n").last ?? words
        let lastLength = lastLine.count + (words.contains("\r\n") ? 0 : header.count + 2)
        let separator = lastLength + address.count + 3 > 78 ? "\r\n " : " "
        return "\(header): \(words)\(separator)<\(address)>"
    }

    static func makeMessageID(from: String, date: Date) -> String {
        let domain = from.split(separator: "@").last.map(String.init) ?? "anyun.local"
        let random = (0..<8).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
        return "\(Int64(date.timeIntervalSince1970 * 1000)).\(random)@\(domain)"
    }

    /// The DATA payload: CRLF line ends, a '.' doubled at the start of any line (RFC 5321
    /// §4.5.2) so no line of the message ends it early, and the closing "." line.
    static func dataPayload(_ message: String) -> String {
        let normalized = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let stuffed = lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }
        return stuffed.map { $0 + "\r\n" }.joined() + ".\r\n"
    }

    /// A mailbox we can put in MAIL FROM / RCPT TO and headers: ASCII, one '@', nothing that
    /// could end a command or a header.
    static func validateAddress(_ address: String) -> String? {
        if address.isEmpty { return "empty address" }
        if !address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) {
            return "\"\(address)\" must be printable ASCII without spaces"
        }
        if address.contains(where: { "<>(),;:\"".contains($0) }) { return "\"\(address)\" contains a character not allowed in an address" }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty { return "\"\(address)\" is not local@domain" }
        return nil
    }
}
