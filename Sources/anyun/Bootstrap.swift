import AnyunCore
import Center
import Foundation

/// First-start work: the three administrator accounts (or the demo), with their credentials
/// written to a file only the owner can read — never to the log.
struct Bootstrap {
    let center: Center
    let dataDirectory: URL

    struct Outcome {
        var credentialsFile: URL?
        var accounts: [DemoAccount]
        var demo: Bool
        var dataDirectory: URL

        func banner(url: String) -> String {
            var out = "\n安云 anyun 安全管理中心已启动 / centre ready\n  控制台 console: \(url)\n  API: \(url)api/v1/\n"
            if let file = credentialsFile {
                out += "  账号 logins (\(file.path)):\n"
                for a in accounts.prefix(demo ? 5 : 3) {
                    // Demo passwords are shown for convenience; real first-start passwords stay in the 0600 file.
                    let secret = demo ? a.password : "(见文件 see file)"
                    out += "    \(a.username.padding(toLength: 10, withPad: " ", startingAt: 0)) \(secret)  \(a.roleName)\(a.unit.map { "（\($0)）" } ?? "")\n"
                }
                if demo && accounts.count > 5 { out += "    … \(accounts.count - 5) more in the file\n" }
                out += "  管理员需动态口令 administrators need a TOTP code: anyun totp --data \(dataDirectory.path) --user sysadmin\n"
            }
            return out + "\n"
        }
    }

    func run(demo: Bool) async throws -> Outcome {
        let existing = try await center.store.users(role: nil, unitID: nil, page: PageRequest(limit: 1)).total
        let demoFile = dataDirectory.appendingPathComponent("demo-credentials.json")
        let initialFile = dataDirectory.appendingPathComponent("initial-credentials.json")
        if existing > 0 {
            let file = FileManager.default.fileExists(atPath: demoFile.path) ? demoFile : initialFile
            let accounts = (try? JSONDecoder().decode([DemoAccount].self, from: Data(contentsOf: file))) ?? []
            return Outcome(credentialsFile: accounts.isEmpty ? nil : file, accounts: accounts, demo: file == demoFile,
                           dataDirectory: dataDirectory)
        }
        if demo {
            let accounts = try await DemoSeeder(center: center).seed()
            try write(accounts, to: demoFile)
            return Outcome(credentialsFile: demoFile, accounts: accounts, demo: true, dataDirectory: dataDirectory)
        }
        var accounts: [DemoAccount] = []
        let actor = AuditActor(id: nil, name: "bootstrap", role: "system", sourceAddress: "local")
        for (name, role, display) in [("sysadmin", Role.systemAdmin, "系统管理员"), ("secadmin", .securityAdmin, "安全管理员"),
                                      ("auditor", .auditAdmin, "审计管理员")] {
            let password = DemoSeeder.password()
            let created = try await center.users.create(NewUserRequest(username: name, displayName: display, role: role.rawValue,
                                                                       password: password), actor: actor)
            accounts.append(DemoAccount(username: name, role: role.rawValue, roleName: role.chineseName, unit: nil,
                                        password: password, totpSecret: created.totp?.secret))
        }
        try write(accounts, to: initialFile)
        return Outcome(credentialsFile: initialFile, accounts: accounts, demo: false, dataDirectory: dataDirectory)
    }

    private func write(_ accounts: [DemoAccount], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try CenterKeys.writeSecret(try encoder.encode(accounts), to: url)
    }
}
