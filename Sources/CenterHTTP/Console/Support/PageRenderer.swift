import AnyunCore
import Center
import Foundation
import Hummingbird
import Mustache

/// Renders a page template inside the console layout. Templates only ever use `{{ }}`, which
/// HTML-escapes, so whatever a user typed is shown as text.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let center: Center
    let stylesheet: String
    let time: TimeText

    init(center: Center, stylesheet: String) throws {
        self.center = center
        self.stylesheet = stylesheet
        time = TimeText(utcOffsetSeconds: center.settings.utcOffsetSeconds)
        library = try Self.loadTemplates()
    }

    /// Parses every template once at start, so a broken template stops the server instead of a page.
    static func loadTemplates() throws -> MustacheLibrary {
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Templates") else {
            throw ConsoleSetupError("console templates are missing from the bundle")
        }
        var library = MustacheLibrary()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                throw ConsoleSetupError("template \(name) does not parse: \(error)")
            }
        }
        return library
    }

    /// What the layout reads; `page` is the template's own data.
    struct Screen {
        let title: String
        let stylesheet: String
        let chrome: Chrome?
        let csrf: String
        let notice: String?
        let page: Any
    }

    /// A page of a logged-in user, with navigation.
    func page(_ template: String, title: String, nav: NavKey?, _ page: Any, status: HTTPResponse.Status = .ok,
              notice: String? = nil, context: AppContext) async -> Response {
        let chrome: Chrome? = if let p = context.principal { await Chrome.make(for: p, active: nav, center: center) } else { nil }
        let csrf = context.credential.map(CSRF.token(forSession:)) ?? ""
        return html(template, Screen(title: title, stylesheet: stylesheet, chrome: chrome, csrf: csrf, notice: notice, page: page),
                    status: status)
    }

    /// A page without navigation (the login form).
    func bare(_ template: String, title: String, _ page: Any, status: HTTPResponse.Status = .ok) -> Response {
        html(template, Screen(title: title, stylesheet: stylesheet, chrome: nil, csrf: "", notice: nil, page: page), status: status)
    }

    struct ErrorView {
        let status: Int
        let heading: String
        let message: String
        let details: [String]
        let hasDetails: Bool
    }

    func error(_ status: HTTPResponse.Status, heading: String, message: String, details: [String] = [],
               context: AppContext) async -> Response {
        await page("error", title: heading, nav: nil,
                   ErrorView(status: status.code, heading: heading, message: message, details: details, hasDetails: !details.isEmpty),
                   status: status, context: context)
    }

    private func html(_ template: String, _ screen: Screen, status: HTTPResponse.Status) -> Response {
        guard let text = library.render(screen, withTemplate: template) else {
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "template \(template) missing")))
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// After a successful POST: the browser fetches the result with GET, so a reload does not repeat the action.
    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }
}
