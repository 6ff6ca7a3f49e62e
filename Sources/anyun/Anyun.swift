import ArgumentParser

@main
struct Anyun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anyun",
        abstract: "安云 — security management centre for a government cloud.",
        version: "0.1.0",
        subcommands: [ServerCommand.self, AuditCommand.self, LogsCommand.self, TOTPCommand.self])
}
