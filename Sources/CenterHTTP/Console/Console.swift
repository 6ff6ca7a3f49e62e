import Center
import Hummingbird

/// The server-rendered console: Chinese pages over the same centre services as the JSON API,
/// always called with the logged-in principal so tenancy and roles are enforced there, not here.
enum Console {
    static func add(to router: Router<AppContext>, center: Center, secureCookies: Bool, logs: LogServices? = nil) throws {
        let assets = try StaticAssets.load()
        let env = ConsoleEnv(center: center, renderer: try PageRenderer(center: center, stylesheet: assets.url("console.css")),
                             cookies: SessionCookie(secure: secureCookies), logs: logs)

        StaticAssets.add(assets, to: router)

        // Pages that work without a session render their own errors (there is no layout to put them in).
        let open = router.group()
        LoginPages.addPublic(to: open, env: env)

        // Authentication runs first so that the error pages below can show the navigation of the user.
        let pages = router.group()
            .add(middleware: ConsoleAuthMiddleware(auth: center.auth, cookies: env.cookies))
            .add(middleware: ConsoleErrorMiddleware(renderer: env.renderer))
        LoginPages.add(to: pages, env: env)
        OverviewPage.add(to: pages, env: env)
        UnitPages.add(to: pages, env: env)
        SystemPages.add(to: pages, env: env)
        HostPages.add(to: pages, env: env)
        ApplicationPages.add(to: pages, env: env)
        ApplicationFormPages.add(to: pages, env: env)
        SubscriptionPages.add(to: pages, env: env)
        CatalogPages.add(to: pages, env: env)
        StatementPages.add(to: pages, env: env)
        UserPages.add(to: pages, env: env)
        AuditPages.add(to: pages, env: env)
        if let logs { LogConsole.add(to: pages, env: env, services: logs) }

        router.add(middleware: ConsoleNotFoundMiddleware(auth: center.auth, cookies: env.cookies, renderer: env.renderer))
    }
}

/// What every page handler needs.
struct ConsoleEnv: Sendable {
    let center: Center
    let renderer: PageRenderer
    let cookies: SessionCookie
    /// Log audit and alerting; nil when the app runs without them (their pages are then not mounted).
    let logs: LogServices?
}
