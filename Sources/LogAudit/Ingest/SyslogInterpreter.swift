import AnyunCore
import Synchronization

/// Parse, decode, attribute: what happens to every frame before it is stored. Runs on the
/// listeners' event loops, so it is plain synchronous code over values.
public final class SyslogInterpreter: FrameInterpreter {
    private let parser: SyslogParser
    private let decoders: DecoderSet
    private let attribution = Mutex(AttributionTable.empty)

    init(parser: SyslogParser, decoders: DecoderSet, relays: [CIDR]) {
        self.parser = parser
        self.decoders = decoders
        attribution.withLock { $0 = AttributionTable(hosts: [], relays: relays) }
    }

    func update(_ table: AttributionTable) {
        attribution.withLock { $0 = table }
    }

    public func event(from frame: UnsafeRawBufferPointer, truncated: Bool, received: Int64, transport: LogTransport,
                      source: String?) -> LogEvent {
        let message = parser.parse(frame, received: received)
        var event = message.logEvent(received: received, transport: transport, sourceAddress: source)
        if truncated { event.flags.insert(.truncated) }
        decode(&event)
        attribute(&event)
        return event
    }

    /// An event that arrived already structured (the JSON API): decoded when its sender gave no
    /// fields of its own, and attributed like a syslog line.
    public func prepare(_ event: LogEvent) -> LogEvent {
        var event = event
        if event.fields.isEmpty || event.decoder == nil { decode(&event) }
        attribute(&event)
        return event
    }

    private func decode(_ event: inout LogEvent) {
        guard !event.flags.contains(.parseError), let result = decoders.decode(app: event.app, message: event.message) else { return }
        event.decoder = result.decoder
        // Fields the sender set (structured data, API fields) win over what a decoder guessed.
        if event.fields.isEmpty {
            event.fields = result.fields
        } else {
            event.fields.merge(result.fields) { own, _ in own }
        }
    }

    private func attribute(_ event: inout LogEvent) {
        let table = attribution.withLock { $0 }
        table.apply(to: &event)
    }
}
