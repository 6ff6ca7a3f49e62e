import Hummingbird

/// The log-audit pages: 态势感知, 日志检索 (with event detail and CSV export) and 告警. Mounted
/// only when the centre runs log audit.
enum LogConsole {
    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv, services: LogServices) {
        LogSearchPages.add(to: pages, env: env, services: services)
        LogExportRoute.add(to: pages, env: env, services: services)
        LogEventPage.add(to: pages, env: env, services: services)
        AlertListPages.add(to: pages, env: env, services: services)
        AlertDetailPages.add(to: pages, env: env, services: services)
        SituationPage.add(to: pages, env: env, services: services)
    }
}
