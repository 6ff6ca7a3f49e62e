import AnyunCore
import Center
import Hummingbird

/// Resolves the caller's credential into a principal, or answers 401. API clients send
/// `Authorization: Bearer`; the console's browser sends the session cookie.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let auth: AuthService

    static let cookieName = "anyun_session"

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let credential = Self.credential(request) else {
            throw Problem.unauthorized("需要登录：请提供 Authorization: Bearer 令牌 (missing bearer token)")
        }
        var context = context
        context.principal = try await auth.authenticate(credential, source: context.remoteAddress)
        context.credential = credential
        return try await next(request, context)
    }

    static func credential(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
            return nil
        }
        return cookie(request, cookieName)
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == name { return String(kv[1]) }
            }
        }
        return nil
    }
}
