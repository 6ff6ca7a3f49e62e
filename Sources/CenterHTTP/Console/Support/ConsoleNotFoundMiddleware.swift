import AnyunCore
import Center
import Hummingbird

/// Answers a browser's request for a page that does not exist with the console's 404 page
/// instead of the API's JSON. Added to the router last, so it wraps only the router's
/// not-found responder (and routes added after it), never the API's routes.
struct ConsoleNotFoundMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let auth: AuthService
    let cookies: SessionCookie
    let renderer: PageRenderer

    /// Paths that belong to machines keep their JSON or plain answers.
    static let machinePrefixes = ["/api/", "/static/", "/healthz", "/metrics"]

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && request.method == .get
            && !Self.machinePrefixes.contains(where: { request.uri.path.hasPrefix($0) }) {
            var context = context
            // Show the navigation when the visitor is logged in; a stranger gets the bare page.
            if let token = cookies.token(in: request),
               let p = try? await auth.authenticate(token, source: context.remoteAddress), p.kind == .user {
                context.principal = p
                context.credential = token
            }
            return await renderer.error(.notFound, heading: "页面不存在", message: "您访问的页面不存在，请检查地址或从左侧导航进入。(page not found)",
                                        context: context)
        }
    }
}
