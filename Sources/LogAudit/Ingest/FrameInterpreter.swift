import AnyunCore

/// Turns one received syslog frame into the event the centre stores: parse, decode, attribute.
/// It never fails: what does not parse is kept raw with a flag.
public protocol FrameInterpreter: Sendable {
    /// `truncated` says the framer cut the frame (too long, or the sender closed mid-frame).
    func event(from frame: UnsafeRawBufferPointer, truncated: Bool, received: Int64, transport: LogTransport,
               source: String?) -> LogEvent
}
