import NIOCore
import NIOSSL
import NIOTLS

/// Completes when the TLS handshake after STARTTLS finishes, or fails with what ended it. The
/// client waits for it before its next command: otherwise a refused certificate can surface as
/// a write on a closed channel instead of the TLS error it is.
final class TLSHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let done: EventLoopPromise<Void>
    private var completed = false

    init(_ done: EventLoopPromise<Void>) { self.done = done }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { finish(nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(ChannelError.ioOnClosedChannel)
    }

    private func finish(_ error: (any Error)?) {
        guard !completed else { return }
        completed = true
        if let error { done.fail(error) } else { done.succeed(()) }
    }
}
