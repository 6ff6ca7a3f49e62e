import AnyunCore

/// Turns one received syslog frame into the event the centre stores: parse, decode, attribute.
/// It never fails: what does not parse is kept raw with a flag.
public protocol FrameInterpreter: Sendable {
    func event(from frame: [UInt8], received: Int64, transport: LogTransport, source: String?) -> LogEvent
}
