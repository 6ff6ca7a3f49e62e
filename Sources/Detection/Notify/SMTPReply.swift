/// One SMTP reply: a three-digit code and its text lines (RFC 5321 §4.2).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]

    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: the server may accept the same command later.
    public var isTransient: Bool { (400..<500).contains(code) }
    /// "550 5.1.1 No such user", the lines joined by " / ".
    public var description: String { "\(code) \(lines.joined(separator: " / "))".trimmingCharacters(in: .whitespaces) }
}

/// Splits the server's byte stream into replies. It is fed whatever arrives and answers a reply
/// once its last line ("250 ok", not "250-…") is complete.
struct SMTPReplyParser {
    /// Bounds what a misbehaving server can make us hold.
    static let maxLineBytes = 4096
    static let maxLines = 128

    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    var hasBufferedBytes: Bool { !pending.isEmpty }

    mutating func append(_ bytes: some Sequence<UInt8>) { pending.append(contentsOf: bytes) }

    /// The next complete reply, nil when more bytes are needed.
    mutating func next() throws(SMTPProtocolError) -> SMTPReply? {
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > 0 && pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = String(decoding: pending[..<end], as: UTF8.self)
            pending.removeSubrange(...newline)
            if let reply = try take(line) { return reply }
        }
        if pending.count > Self.maxLineBytes { throw SMTPProtocolError("reply line longer than \(Self.maxLineBytes) bytes") }
        return nil
    }

    private mutating func take(_ line: String) throws(SMTPProtocolError) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let lineCode = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
            throw SMTPProtocolError("malformed reply line \"\(line.prefix(80))\"")
        }
        if let code, code != lineCode { throw SMTPProtocolError("reply code changed from \(code) to \(lineCode) mid-reply") }
        code = lineCode
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if lines.count > Self.maxLines { throw SMTPProtocolError("reply longer than \(Self.maxLines) lines") }
        guard separator != UInt8(ascii: "-") else { return nil }
        defer { lines = []; code = nil }
        return SMTPReply(code: lineCode, lines: lines)
    }
}

struct SMTPProtocolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
