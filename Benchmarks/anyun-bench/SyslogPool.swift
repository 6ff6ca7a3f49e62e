import Foundation

/// A few thousand framed RFC 5424 lines in one contiguous buffer, so a sender can hand the
/// kernel hundreds of frames per call. Lines are stamped over the minute before the pool is made.
struct SyslogPool: Sendable {
    let framing: SyslogText.Framing
    /// Every frame, back to back.
    let bytes: [UInt8]
    /// Frame `i` is `bytes[frameEnds[i - 1] ..< frameEnds[i]]` (with `frameEnds[-1]` = 0).
    let frameEnds: [Int]
    /// The message inside frame `i` (without length prefix or LF): what a datagram carries.
    let messageStarts: [Int]
    let messageEnds: [Int]

    var count: Int { frameEnds.count }
    func frameStart(_ i: Int) -> Int { i == 0 ? 0 : frameEnds[i - 1] }
    var averageMessageBytes: Double {
        Double(zip(messageStarts, messageEnds).reduce(0) { $0 + $1.1 - $1.0 }) / Double(max(1, count))
    }

    init(size: Int, framing: SyslogText.Framing, now: Date = Date(), seed: UInt64 = 0x616E_7975_6E00) {
        self.framing = framing
        var generator = SyslogSynthetic(seed: seed)
        let end = Int64(now.timeIntervalSince1970 * 1_000_000)
        let span: Int64 = 60_000_000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size * 240)
        var frameEnds: [Int] = []
        var messageStarts: [Int] = []
        var messageEnds: [Int] = []
        for i in 0..<size {
            let time = end - span + span * Int64(i) / Int64(max(1, size))
            let line = SyslogText.rfc5424(generator.next(time: time), time: time)
            let frame = SyslogText.frame(line, framing)
            let payload = line.utf8.count
            let start = bytes.count
            bytes += frame
            switch framing {
            case .octet:
                messageStarts.append(bytes.count - payload)
                messageEnds.append(bytes.count)
            case .newline:
                messageStarts.append(start)
                messageEnds.append(start + payload)
            }
            frameEnds.append(bytes.count)
        }
        self.bytes = bytes
        self.frameEnds = frameEnds
        self.messageStarts = messageStarts
        self.messageEnds = messageEnds
    }
}
