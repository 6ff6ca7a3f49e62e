import Foundation
import XCTest

/// A real SMTP server for the mail tests: Debian's aiosmtpd (`python3-aiosmtpd`) on 127.0.0.1,
/// run by /usr/bin/python3 with a handler that refuses recipients starting with "reject",
/// optionally requires AUTH or offers STARTTLS, and stores every accepted message as JSON with
/// the raw bytes and what Python's own email parser decodes from them.
final class NotifySMTPServer: @unchecked Sendable {
    struct Options {
        /// Require AUTH with this login and password.
        var auth: (login: String, password: String)?
        /// Offer STARTTLS with this certificate and key (PEM files).
        var tls: (certificate: String, key: String)?
        /// Refuse MAIL until STARTTLS.
        var requireTLS = false
    }

    struct Message: Decodable {
        var mailFrom: String
        var recipients: [String]
        /// The DATA bytes as received, after the server removed dot-stuffing.
        var raw: Data
        var subject: String
        var from: String
        var to: [String]
        var body: String
        var contentType: String
        var transferEncoding: String
        var messageID: String
        var date: String
        var authenticatedAs: String?
        var tls: Bool

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from", recipients = "rcpt_tos", raw, subject, from, to, body
            case contentType = "content_type", transferEncoding = "cte", messageID = "message_id", date
            case authenticatedAs = "auth_login", tls
        }
    }

    static let python = "/usr/bin/python3"

    let port: Int
    let directory: URL
    private let process: Process
    private let stdin: Pipe

    private init(port: Int, directory: URL, process: Process, stdin: Pipe) {
        self.port = port
        self.directory = directory
        self.process = process
        self.stdin = stdin
    }

    /// Skips the test with the package to install when aiosmtpd is missing.
    static func requireAiosmtpd() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("\(python) is missing: install Debian's python3 and python3-aiosmtpd (scripts/install-deps.sh --test)")
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import aiosmtpd"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            throw XCTSkip("the SMTP tests need aiosmtpd: apt-get install python3-aiosmtpd (scripts/install-deps.sh --test installs it)")
        }
    }

    static func start(_ options: Options = Options()) async throws -> NotifySMTPServer {
        try requireAiosmtpd()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-smtp-\(UUID().uuidString)")
        let mail = directory.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mail, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("server.py")
        try serverScript.write(to: script, atomically: true, encoding: .utf8)
        var config: [String: Any] = ["mail": mail.path, "portfile": directory.appendingPathComponent("port").path]
        if let auth = options.auth { config["auth"] = [auth.login, auth.password] }
        if let tls = options.tls { config["tls"] = [tls.certificate, tls.key] }
        config["require_tls"] = options.requireTLS
        let configData = try JSONSerialization.data(withJSONObject: config)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, String(decoding: configData, as: UTF8.self)]
        let stdin = Pipe()
        process.standardInput = stdin
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()

        let portFile = directory.appendingPathComponent("port")
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return NotifySMTPServer(port: port, directory: directory, process: process, stdin: stdin)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        if process.isRunning { process.terminate() }
        throw XCTSkip("aiosmtpd did not start: \(output.suffix(600))")
    }

    /// The messages stored so far, oldest first.
    func messages() throws -> [Message] {
        let mail = directory.appendingPathComponent("mail")
        let files = try FileManager.default.contentsOfDirectory(atPath: mail.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try JSONDecoder().decode(Message.self, from: Data(contentsOf: mail.appendingPathComponent($0))) }
    }

    func stop() {
        // Closing stdin tells the script to stop its controller and exit.
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }

    private static let serverScript = #"""
import base64, json, os, socket, ssl, sys, email
from email import policy
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

config = json.loads(sys.argv[1])

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        msg = email.message_from_bytes(raw, policy=policy.default)
        login = None
        if getattr(session, "authenticated", False) and session.auth_data is not None:
            data = session.auth_data
            login = (data.login if isinstance(data, LoginPassword) else data).decode()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "raw": base64.b64encode(raw).decode(),
            "subject": str(msg["subject"] or ""),
            "from": str(msg["from"] or ""),
            "to": [a.addr_spec for a in msg["to"].addresses] if msg["to"] is not None else [],
            "body": msg.get_content(),
            "content_type": msg.get_content_type() + "; charset=" + str(msg.get_content_charset()),
            "cte": str(msg["content-transfer-encoding"]),
            "message_id": str(msg["message-id"]),
            "date": str(msg["date"]),
            "auth_login": login,
            "tls": session.ssl is not None,
        }
        folder = config["mail"]
        name = "%06d" % len(os.listdir(folder))
        with open(os.path.join(folder, name + ".tmp"), "w") as f:
            json.dump(record, f)
        os.rename(os.path.join(folder, name + ".tmp"), os.path.join(folder, name + ".json"))
        return "250 2.0.0 Ok: queued as %s" % name

def authenticator(server, session, envelope, mechanism, auth_data):
    login, password = config["auth"]
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == login.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()

kwargs = {}
if "auth" in config:
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
if "tls" in config:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*config["tls"])
    kwargs.update(tls_context=context, require_starttls=config.get("require_tls", False))
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
with open(config["portfile"] + ".tmp", "w") as f:
    f.write(str(port))
os.rename(config["portfile"] + ".tmp", config["portfile"])
sys.stdin.read()
controller.stop()
"""#
}
