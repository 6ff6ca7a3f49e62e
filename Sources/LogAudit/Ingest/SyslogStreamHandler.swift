import AnyunCore
import NIOCore

/// Reads syslog frames from one TCP or TLS connection, turns them into events on the
/// connection's event loop and hands each read burst to the writer.
///
/// Back-pressure: while more than `highWater` of this connection's events wait for the store,
/// the handler stops asking the socket for data, so the kernel's window closes and the sender
/// slows down; nothing is dropped.
final class SyslogStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Never

    struct Limits: Sendable {
        var maxFrameBytes: Int
        var highWater: Int
        var lowWater: Int
    }

    private let interpreter: any FrameInterpreter
    private let writer: IngestWriter
    private let stats: IngestStats
    private let transport: LogTransport
    private let limits: Limits
    private let clock: @Sendable () -> Int64
    private var framer: SyslogFramer
    private var source: String?
    private var burst: [LogEvent] = []
    private var outstanding = 0
    private var readPending = false
    private var paused = false

    init(interpreter: any FrameInterpreter, writer: IngestWriter, stats: IngestStats, transport: LogTransport,
         limits: Limits, clock: @escaping @Sendable () -> Int64) {
        self.interpreter = interpreter
        self.writer = writer
        self.stats = stats
        self.transport = transport
        self.limits = limits
        self.clock = clock
        framer = SyslogFramer(maxFrameBytes: limits.maxFrameBytes)
    }

    func channelActive(context: ChannelHandlerContext) {
        source = context.remoteAddress?.ipAddress
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let received = clock()
        let failed: SyslogFramingError? = buffer.withUnsafeReadableBytes { bytes in
            do throws(SyslogFramingError) {
                try framer.feed(bytes) { frame, truncated in
                    burst.append(interpreter.event(from: frame, truncated: truncated, received: received,
                                                   transport: transport, source: source))
                }
                return nil
            } catch {
                return error
            }
        }
        if failed != nil {
            // An octet count no sender could mean: the stream is out of step and cannot be
            // resynchronised. Keep what was framed before it, then hang up.
            stats.framingError()
            submitBurst(context: context)
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        submitBurst(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A sender that closes mid-frame still gets what it sent stored, flagged as cut off.
        let received = clock()
        framer.finish { frame, truncated in
            burst.append(interpreter.event(from: frame, truncated: truncated, received: received, transport: transport, source: source))
        }
        submitBurst(context: context)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            // A sender that stalls mid-frame must not hold a connection forever.
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if paused {
            readPending = true
        } else {
            context.read()
        }
    }

    private func submitBurst(context: ChannelHandlerContext) {
        guard !burst.isEmpty else { return }
        let events = burst
        burst = []
        stats.receivedStream(events.count, tls: transport == .tls)
        outstanding += events.count
        if outstanding > limits.highWater { paused = true }
        let loop = context.eventLoop
        let writer = writer
        let boxed = NIOLoopBound(context, eventLoop: loop)
        let handler = NIOLoopBound(self, eventLoop: loop)
        Task {
            let result: Result<Void, any Error>
            do {
                try await writer.submit(events)
                result = .success(())
            } catch {
                result = .failure(error)
            }
            loop.execute {
                handler.value.stored(events.count, result: result, context: boxed.value)
            }
        }
    }

    private func stored(_ count: Int, result: Result<Void, any Error>, context: ChannelHandlerContext) {
        outstanding -= count
        if case .failure = result {
            // The store refused (disk full): close so the sender keeps the rest in its own queue
            // and retries, rather than us accepting data we cannot keep.
            context.close(promise: nil)
            return
        }
        if paused, outstanding <= limits.lowWater {
            paused = false
            if readPending {
                readPending = false
                context.read()
            }
        }
    }
}
