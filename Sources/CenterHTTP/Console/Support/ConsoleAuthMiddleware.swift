import AnyunCore
import Center
import Hummingbird

/// Like `AuthMiddleware`, but for a browser: the session comes only from the cookie (the CSRF
/// token is bound to it), and a missing or expired session leads to the login page instead of
/// a JSON 401.
struct ConsoleAuthMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let auth: AuthService
    let cookies: SessionCookie

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let token = cookies.token(in: request) else { return toLogin(request, clearCookie: false) }
        let principal: Principal
        do {
            principal = try await auth.authenticate(token, source: context.remoteAddress)
        } catch CenterError.unauthorized {
            return toLogin(request, clearCookie: true)
        }
        // A machine token pasted into a cookie is not a person at a browser.
        guard principal.kind == .user else { return toLogin(request, clearCookie: true) }
        var context = context
        context.principal = principal
        context.credential = token
        return try await next(request, context)
    }

    /// Remembers the page asked for, so the user lands there after logging in.
    private func toLogin(_ request: Request, clearCookie: Bool) -> Response {
        var target = "/login"
        if request.method == .get, request.uri.path != "/" {
            target += QueryString([("next", LoginTarget.sanitized(request.uri.description))]).text
        }
        return PageRenderer.redirect(target, headers: clearCookie ? [.setCookie: cookies.clear()] : [:])
    }
}

/// Where to go after login: only a path on this site, never `//elsewhere` or a full URL.
enum LoginTarget {
    static func sanitized(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\"),
              !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              !raw.hasPrefix("/login"), !raw.hasPrefix("/logout") else { return "/" }
        return raw
    }
}
