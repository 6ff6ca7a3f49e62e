import AnyunCore
import Hummingbird

/// Records the real client behind a trusted reverse proxy: the audit trail and the login
/// lockout log must name the person's address, not the load balancer's. `X-Forwarded-For` is
/// read from the right, skipping trusted proxies; from any other peer it is ignored, since a
/// client can write whatever it likes there.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let trustedProxies: [CIDR]

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard !trustedProxies.isEmpty, isTrusted(context.remoteAddress) else { return try await next(request, context) }
        let hops = request.headers[values: .init("X-Forwarded-For")!]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var context = context
        for hop in hops.reversed() {
            guard let address = IPAddress(hop) else { break }
            context.remoteAddress = address.text
            if !isTrusted(address.text) { break }
        }
        return try await next(request, context)
    }

    private func isTrusted(_ text: String) -> Bool {
        guard let address = IPAddress(text) else { return false }
        return trustedProxies.contains { $0.contains(address) }
    }
}
