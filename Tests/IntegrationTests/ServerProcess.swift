import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import XCTest

/// The built `anyun` executable, found next to the test bundle (`make test` builds it first).
enum AnyunBinary {
    static var url: URL {
        get throws {
            if let explicit = ProcessInfo.processInfo.environment["ANYUN_BIN"] { return URL(fileURLWithPath: explicit) }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            for config in ["debug", "release"] {
                let candidate = root.appendingPathComponent(".build/\(config)/anyun")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
            throw XCTSkip("anyun executable not built: run `swift build --product anyun` (make test does)")
        }
    }

    /// Runs a short command to completion and returns its exit status and output.
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = try url
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

/// A real `anyun server` process on a loopback port chosen by the kernel.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let dataDirectory: URL
    private let output = LockedText()
    private(set) var baseURL: URL!

    init(arguments: [String] = [], dataDirectory: URL? = nil, currentDirectory: URL? = nil) throws {
        self.dataDirectory = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("anyun-it-\(UUID().uuidString)")
        process.executableURL = try AnyunBinary.url
        process.arguments = ["server", "--data", self.dataDirectory.path, "--listen", "127.0.0.1:0"] + arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
    }

    var log: String { output.text }

    /// Waits for the banner that carries the console URL.
    func waitUntilReady(timeout: TimeInterval = 120) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let range = log.range(of: #"console: (http://127\.0\.0\.1:\d+/)"#, options: .regularExpression) {
                let url = log[range].replacingOccurrences(of: "console: ", with: "")
                baseURL = URL(string: url)!
                return
            }
            guard process.isRunning else { throw ServerError("server exited with \(process.terminationStatus):\n\(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerError("server not ready after \(timeout)s:\n\(log)")
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate(timeout: TimeInterval = 20) async throws -> Int32 {
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                kill(process.processIdentifier, SIGKILL)
                throw ServerError("server did not stop within \(timeout)s after SIGTERM")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}

/// Text appended from the pipe's reader thread and read by the test.
final class LockedText: Sendable {
    private let storage = Mutex<String>("")
    func append(_ s: String) { storage.withLock { $0 += s } }
    var text: String { storage.withLock { $0 } }
}

/// Minimal JSON-over-HTTP for the tests, on URLSession.
struct HTTP {
    let base: URL
    var token: String?

    struct Reply {
        var status: Int
        var body: Data
        var headers: [String: String]
        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func send(_ method: String, _ path: String, json: Any? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers["\(k)".lowercased()] = "\(v)" }
        return Reply(status: http.statusCode, body: data, headers: headers)
    }

    /// Logs in an account from the credentials file the server wrote, with its current TOTP code.
    func login(_ username: String, credentials file: URL) async throws -> HTTP {
        let accounts = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [[String: Any]]
        let account = try XCTUnwrap(accounts.first { $0["username"] as? String == username })
        var body: [String: Any] = ["username": username, "password": account["password"]!]
        if let secret = account["totpSecret"] as? String {
            let code = try AnyunBinary.run(["totp", "--secret", secret])
            body["totp"] = code.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let reply = try await send("POST", "/api/v1/auth/login", json: body)
        XCTAssertEqual(reply.status, 200, reply.text)
        var authed = self
        authed.token = (reply.json as? [String: Any])?["token"] as? String
        return authed
    }
}

/// Runs `sqlite3` on the centre's database as an attacker with file access would.
func sqlite(_ database: URL, _ sql: String) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    p.arguments = [database.path, sql]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
