import ArgumentParser
import Center
import Foundation

/// Prints the current one-time code of a demo or initial account, standing in for an
/// authenticator app when trying the centre out.
struct TOTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "totp", abstract: "Print the current TOTP code of a demo account.")

    @Option(help: "Data directory of the centre.") var data: String = "./anyun-data"
    @Option(help: "Account name from demo-credentials.json or initial-credentials.json.") var user: String?
    @Option(help: "Base32 secret, instead of an account.") var secret: String?

    func run() throws {
        var base32 = secret
        if base32 == nil, let user {
            let dir = URL(fileURLWithPath: data)
            for name in ["demo-credentials.json", "initial-credentials.json"] {
                guard let d = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path),
                      let accounts = try? JSONDecoder().decode([DemoAccount].self, from: d) else { continue }
                base32 = accounts.first { $0.username == user }?.totpSecret
                if base32 != nil { break }
            }
        }
        guard let base32, let key = Base32.decode(base32), !key.isEmpty else {
            throw ValidationError("no TOTP secret: give --secret, or --user of an account with a second factor")
        }
        print(TOTP(secret: key).code(at: Date()))
    }
}
