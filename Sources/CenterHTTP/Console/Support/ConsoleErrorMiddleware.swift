import AnyunCore
import Center
import Hummingbird
import Logging

/// Turns what a page handler throws into a page in the layout: refusals keep their status and
/// their reason, anything unexpected becomes a plain 500 page and a log line, never a trace.
struct ConsoleErrorMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let renderer: PageRenderer

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let failure = ConsoleFailure(error)
            if failure.status.code >= 500 {
                context.logger.error("console page failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            }
            if failure.status == .unauthorized {
                return PageRenderer.redirect("/login")
            }
            return await renderer.error(failure.status, heading: failure.heading, message: failure.message,
                                        details: failure.details, context: context)
        }
    }
}
