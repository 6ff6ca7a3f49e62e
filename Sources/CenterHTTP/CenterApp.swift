import AnyunCore
import Center
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Builds the centre's HTTP application: the JSON API under `/api/v1`, the console pages,
/// `/healthz` and `/metrics`.
public enum CenterApp {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Renders the Prometheus exposition text for `/metrics`.
        public var metrics: @Sendable () -> String
        /// Sets the cookie's Secure flag: on whenever the console is served over TLS or behind it.
        public var secureCookies: Bool
        /// Reverse proxies whose `X-Forwarded-For` is believed.
        public var trustedProxies: [CIDR]
        /// Log audit and alerting; nil leaves their routes and pages out.
        public var logs: LogServices?

        public init(host: String, port: Int, secureCookies: Bool = false, trustedProxies: [CIDR] = [],
                    logs: LogServices? = nil, metrics: @escaping @Sendable () -> String = { "" }) {
            self.logs = logs
            self.host = host
            self.port = port
            self.secureCookies = secureCookies
            self.trustedProxies = trustedProxies
            self.metrics = metrics
        }
    }

    public static func router(center: Center, options: Options) throws -> Router<AppContext> {
        let router = Router(context: AppContext.self)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: options.trustedProxies))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())

        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}")))
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: options.metrics())))
        }

        let api = router.group("api/v1")
        AuthRoutes.addPublic(to: api, center: center)
        let protected = api.group().add(middleware: AuthMiddleware(auth: center.auth))
        AuthRoutes.add(to: protected, center: center)
        RegistryRoutes.add(to: protected, center: center)
        BillingRoutes.add(to: protected, center: center)
        UserRoutes.add(to: protected, center: center)
        AuditRoutes.add(to: protected, center: center)
        if let logs = options.logs {
            EventRoutes.add(to: protected, center: center, services: logs)
            AlertRoutes.add(to: protected, center: center, services: logs)
        }

        try Console.add(to: router, center: center, secureCookies: options.secureCookies, logs: options.logs)
        return router
    }

    public static func application(center: Center, options: Options, logger: Logger,
                                   onReady: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        Application(
            router: try router(center: center, options: options),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "anyun"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? options.port) },
            logger: logger)
    }
}

/// Headers every answer carries: no sniffing, no framing, no referrer leaks.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
