import AnyunCore
import Hummingbird
import NIOCore

/// Per-request state: where the request came from and, once authenticated, who sent it.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The bearer credential as presented, kept for logout.
    public var credential: String?
    /// The client's address: the TCP peer, or the client a trusted proxy forwarded for.
    public var remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The authenticated principal; routes behind `AuthMiddleware` always have one.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthorized("未登录 (not authenticated)") }
        return principal
    }
}
