/// Splits a syslog TCP/TLS byte stream into messages (RFC 6587), one framer per connection.
///
/// The framing is detected once, from the first frame: `LEN SP` (digits, then a space) means
/// octet counting (`LEN SP MSG`, RFC 6587 §3.4.1, the only framing of RFC 5425 TLS), anything
/// else non-transparent framing (`MSG LF`, §3.4.2), where CRLF and NUL are also accepted as
/// trailers — so a line that merely starts with a number (`2024-01-15T…`, an epoch time) is not
/// mistaken for a length. Chunks may split a frame at any byte.
///
/// Memory stays bounded whatever the peer sends:
/// - a newline frame longer than `maxFrameBytes` is delivered cut (on a UTF-8 boundary,
///   `truncated == true`) and the rest up to the next trailer is dropped;
/// - an octet-counted frame longer than `maxFrameBytes` (up to `maxOctetCount`) is likewise
///   delivered cut, its declared length still honoured so the next frame stays in step;
/// - a length above `maxOctetCount`, or a frame that does not start with a length, is an
///   error: the stream cannot be resynchronised, the connection should be closed.
/// Empty frames (blank lines, `0 `) carry nothing and are skipped.
///
/// Frames are handed to `emit` as views valid only during the call: a frame inside one chunk is
/// not copied at all. No NIO types here; the channel handler wraps this.
public struct SyslogFramer: Sendable {
    public enum Framing: Sendable, Hashable {
        case octetCounting
        case nonTransparent
    }

    public let maxFrameBytes: Int
    public let maxOctetCount: Int
    /// nil until the first byte of the first frame arrived.
    public private(set) var framing: Framing?

    private enum Phase: Sendable {
        case length(value: Int, digits: Int)
        case payload(declared: Int, remaining: Int)
    }

    private var phase: Phase = .length(value: 0, digits: 0)
    /// Octet counting was seen to hold (a first `LEN SP`); until then digits are also kept in
    /// `buffer` in case the first frame turns out to be a line.
    private var confirmed = false
    /// Bytes of a frame that spans chunks (at most `maxFrameBytes + 1`).
    private var buffer: [UInt8] = []
    /// Newline framing: dropping the tail of an over-long frame until the next trailer.
    private var discarding = false
    private var failure: SyslogFramingError?
    /// Stream offset of the current chunk's first byte, for error reports.
    private var streamOffset = 0

    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    public init(maxFrameBytes: Int = 64 * 1024, maxOctetCount: Int? = nil) {
        self.maxFrameBytes = max(1, maxFrameBytes)
        self.maxOctetCount = max(self.maxFrameBytes, maxOctetCount ?? 8 * 1024 * 1024)
    }

    /// Feeds one chunk; `emit(frame, truncated)` is called for every complete frame, in order.
    /// After an error every further call throws it again.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer,
                              emit: (_ frame: UnsafeRawBufferPointer, _ truncated: Bool) -> Void)
        throws(SyslogFramingError) {
        if let failure { throw failure }
        var i = 0
        let n = chunk.count
        do throws(SyslogFramingError) {
            while i < n {
                switch framing {
                case nil:
                    let b = chunk[i]
                    if b == Self.lf || b == Self.cr || b == 0 {
                        i += 1
                    } else {
                        framing = b &- 0x30 < 10 ? .octetCounting : .nonTransparent
                    }
                case .nonTransparent:
                    i = newlineStep(chunk, from: i, emit)
                case .octetCounting:
                    i = try octetStep(chunk, from: i, emit)
                }
            }
        } catch {
            failure = error
            buffer = []
            throw error
        }
        streamOffset += n
    }

    /// The stream ended: delivers what is left — a last line without its trailer, or the
    /// received part of an incomplete octet-counted frame (marked truncated) — and resets.
    public mutating func finish(emit: (_ frame: UnsafeRawBufferPointer, _ truncated: Bool) -> Void) {
        defer {
            buffer = []
            discarding = false
            phase = .length(value: 0, digits: 0)
        }
        guard failure == nil, !buffer.isEmpty else { return }
        switch framing {
        case .nonTransparent:
            if !discarding {
                if buffer.last == Self.cr { buffer.removeLast() }
                Self.deliver(buffer, forceTruncated: false, max: maxFrameBytes, emit)
            }
        case .octetCounting:
            if case .payload = phase {
                Self.deliver(buffer, forceTruncated: true, max: maxFrameBytes, emit)
            } else if !confirmed {
                // Only digits ever came: a one-line stream without its trailer.
                Self.deliver(buffer, forceTruncated: false, max: maxFrameBytes, emit)
            }
        case nil:
            break
        }
    }

    // MARK: - Copying conveniences

    /// What one call produced: the frames before an error, and the error.
    public struct Output: Sendable, Hashable {
        public var frames: [SyslogFrame]
        public var error: SyslogFramingError?
    }

    public mutating func feed(_ chunk: some Collection<UInt8>) -> Output {
        var frames: [SyslogFrame] = []
        var caught: SyslogFramingError?
        Array(chunk).withUnsafeBytes { raw in
            do throws(SyslogFramingError) {
                try feed(raw) { frames.append(SyslogFrame(bytes: Array($0), truncated: $1)) }
            } catch {
                caught = error
            }
        }
        return Output(frames: frames, error: caught)
    }

    public mutating func finish() -> SyslogFrame? {
        var last: SyslogFrame?
        finish { last = SyslogFrame(bytes: Array($0), truncated: $1) }
        return last
    }

    // MARK: - Non-transparent framing

    private mutating func newlineStep(_ chunk: UnsafeRawBufferPointer, from start: Int,
                                      _ emit: (UnsafeRawBufferPointer, Bool) -> Void) -> Int {
        let n = chunk.count
        var t = start
        while t < n, chunk[t] != Self.lf, chunk[t] != 0 { t += 1 }
        if discarding {
            if t == n { return n }
            discarding = false
            return t + 1
        }
        if t == n {
            // No trailer yet: keep the bytes, but never more than one frame's worth (+1 for a CR
            // whose LF is still to come).
            let room = maxFrameBytes + 1 - buffer.count
            if n - start <= room {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<n]))
                return n
            }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<(start + room)]))
            Self.deliver(buffer, forceTruncated: true, max: maxFrameBytes, emit)
            buffer.removeAll(keepingCapacity: true)
            discarding = true
            return start + room
        }
        if buffer.isEmpty {
            var end = t
            if end > start, chunk[end - 1] == Self.cr { end -= 1 }
            Self.deliver(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), forceTruncated: false,
                         max: maxFrameBytes, emit)
        } else {
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<t]))
            if buffer.last == Self.cr { buffer.removeLast() }
            Self.deliver(buffer, forceTruncated: false, max: maxFrameBytes, emit)
            buffer.removeAll(keepingCapacity: true)
        }
        return t + 1
    }

    // MARK: - Octet counting

    private mutating func octetStep(_ chunk: UnsafeRawBufferPointer, from start: Int,
                                    _ emit: (UnsafeRawBufferPointer, Bool) -> Void) throws(SyslogFramingError) -> Int {
        var i = start
        let n = chunk.count
        switch phase {
        case .length(var value, var digits):
            while i < n {
                let b = chunk[i]
                if b &- 0x30 < 10 {
                    value = value * 10 + Int(b &- 0x30)
                    digits += 1
                    if value > maxOctetCount || digits > 10 {
                        if !confirmed { return fallBackToLines(at: i) }
                        throw .octetCountTooLarge(declared: value, limit: maxOctetCount, offset: streamOffset + i)
                    }
                    if !confirmed { buffer.append(b) }
                    i += 1
                } else if b == 0x20 && digits > 0 {
                    i += 1
                    if !confirmed {
                        confirmed = true
                        buffer.removeAll(keepingCapacity: true)
                    }
                    // `0 ` is an empty frame: nothing to deliver.
                    phase = value == 0 ? .length(value: 0, digits: 0) : .payload(declared: value, remaining: value)
                    return i
                } else if digits == 0 && (b == Self.lf || b == Self.cr || b == 0) {
                    // Trailers some senders add after octet-counted frames.
                    i += 1
                } else {
                    if !confirmed { return fallBackToLines(at: i) }
                    throw .malformedOctetCount(offset: streamOffset + i)
                }
            }
            phase = .length(value: value, digits: digits)
            return i
        case .payload(let declared, var remaining):
            let available = n - i
            if buffer.isEmpty, remaining == declared, available >= declared {
                Self.deliver(UnsafeRawBufferPointer(rebasing: chunk[i..<(i + declared)]), forceTruncated: false,
                             max: maxFrameBytes, emit)
                phase = .length(value: 0, digits: 0)
                return i + declared
            }
            let take = min(available, remaining)
            let keep = max(0, min(take, maxFrameBytes + 1 - buffer.count))
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[i..<(i + keep)]))
            i += take
            remaining -= take
            if remaining == 0 {
                Self.deliver(buffer, forceTruncated: false, max: maxFrameBytes, emit)
                buffer.removeAll(keepingCapacity: true)
                phase = .length(value: 0, digits: 0)
            } else {
                phase = .payload(declared: declared, remaining: remaining)
            }
            return i
        }
    }

    /// The first frame started with digits but is no `LEN SP`: the stream is newline-framed and
    /// the digits read so far (still in `buffer`) begin its first line.
    private mutating func fallBackToLines(at i: Int) -> Int {
        framing = .nonTransparent
        phase = .length(value: 0, digits: 0)
        return i
    }

    // MARK: - Delivery

    /// Hands a frame on, cut to `max` bytes on a UTF-8 boundary when longer; empty frames are
    /// skipped. `forceTruncated` marks a frame whose end was not seen.
    private static func deliver(_ frame: UnsafeRawBufferPointer, forceTruncated: Bool, max: Int,
                                _ emit: (UnsafeRawBufferPointer, Bool) -> Void) {
        if frame.count > max {
            let cut = SyslogText.utf8SafePrefixLength(frame, limit: max)
            emit(UnsafeRawBufferPointer(rebasing: frame[0..<cut]), true)
        } else if !frame.isEmpty {
            emit(frame, forceTruncated)
        }
    }

    private static func deliver(_ frame: [UInt8], forceTruncated: Bool, max: Int,
                                _ emit: (UnsafeRawBufferPointer, Bool) -> Void) {
        frame.withUnsafeBytes { deliver($0, forceTruncated: forceTruncated, max: max, emit) }
    }
}

/// A frame copied out of the stream.
public struct SyslogFrame: Sendable, Hashable {
    public var bytes: [UInt8]
    /// The sender's frame was longer than the limit (or the stream ended inside it).
    public var truncated: Bool

    public init(bytes: [UInt8], truncated: Bool) {
        self.bytes = bytes
        self.truncated = truncated
    }
}

/// Why a connection's byte stream cannot be framed any further.
public enum SyslogFramingError: Error, Sendable, Hashable {
    /// An octet-counted frame did not start with `LEN SP`.
    case malformedOctetCount(offset: Int)
    /// The declared length is beyond any frame the centre accepts.
    case octetCountTooLarge(declared: Int, limit: Int, offset: Int)
}
