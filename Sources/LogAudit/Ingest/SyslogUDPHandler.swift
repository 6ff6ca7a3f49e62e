import AnyunCore
import NIOCore

/// Takes syslog datagrams. UDP has no back-pressure: when the writer's queue is full the burst
/// is dropped and counted, which `/metrics` and the console show.
final class SyslogUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let interpreter: any FrameInterpreter
    private let writer: IngestWriter
    private let stats: IngestStats
    private let maxFrameBytes: Int
    private let clock: @Sendable () -> Int64
    private var burst: [LogEvent] = []

    init(interpreter: any FrameInterpreter, writer: IngestWriter, stats: IngestStats, maxFrameBytes: Int,
         clock: @escaping @Sendable () -> Int64) {
        self.interpreter = interpreter
        self.writer = writer
        self.stats = stats
        self.maxFrameBytes = maxFrameBytes
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let received = clock()
        let source = envelope.remoteAddress.ipAddress
        envelope.data.withUnsafeReadableBytes { bytes in
            // One datagram is one message (RFC 5426); some senders still end it with a newline.
            var count = bytes.count
            while count > 0, bytes[count - 1] == 0x0A || bytes[count - 1] == 0x0D || bytes[count - 1] == 0x00 { count -= 1 }
            guard count > 0 else { return }
            let truncated = count > maxFrameBytes
            let frame = UnsafeRawBufferPointer(rebasing: bytes[0..<min(count, maxFrameBytes)])
            burst.append(interpreter.event(from: frame, truncated: truncated, received: received, transport: .udp, source: source))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard !burst.isEmpty else { return }
        let events = burst
        burst = []
        stats.receivedUDP(events.count)
        let writer = writer
        let stats = stats
        Task {
            if await !writer.offer(events) { stats.droppedUDP(events.count) }
        }
    }
}
