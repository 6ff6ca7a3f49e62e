import Foundation
import XCTest

/// A W3C WebDriver session on a chromedriver this test starts: a real headless Chromium.
final class WebDriver: @unchecked Sendable {
    let driver = Process()
    let base: URL
    private(set) var session = ""

    static func locate(_ names: [String]) -> String? {
        names.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init() async throws {
        guard let chromedriver = Self.locate(["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]),
              let chromium = Self.locate(["/usr/bin/chromium", "/usr/lib/chromium/chromium"]) else {
            throw WebDriverError("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; make test does)")
        }
        let port = Int.random(in: 20000...29999)
        base = URL(string: "http://127.0.0.1:\(port)/")!
        driver.executableURL = URL(fileURLWithPath: chromedriver)
        driver.arguments = ["--port=\(port)"]  // the default admits local connections only
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        var ready = false
        var last = ""
        for _ in 0..<100 where !ready {
            do {
                let status = try await call("GET", "status")
                ready = (status["value"] as? [String: Any])?["ready"] as? Bool ?? false
                last = "\(status)"
            } catch {
                last = "\(error)"
            }
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard ready else { throw WebDriverError("chromedriver did not start on port \(port): \(last)") }
        let caps: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            // A page a click navigates to may still be loading when the next lookup comes: let
            // element lookups wait for it instead of failing at once on a loaded machine.
            "timeouts": ["implicit": 5_000, "pageLoad": 60_000],
            "goog:chromeOptions": ["binary": chromium,
                                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                            "--window-size=1400,1000", "--lang=zh-CN"]],
        ]]]
        let reply = try await call("POST", "session", caps)
        guard let value = reply["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw WebDriverError("no session: \(reply)")
        }
        session = id
    }

    func quit() async {
        _ = try? await call("DELETE", "session/\(session)")
        driver.terminate()
        // Poll rather than waitUntilExit, which can block forever here once the driver is gone.
        for _ in 0..<50 where driver.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
    }

    func open(_ url: URL) async throws { _ = try await call("POST", "session/\(session)/url", ["url": url.absoluteString]) }

    var currentURL: String {
        get async throws { try await call("GET", "session/\(session)/url")["value"] as? String ?? "" }
    }

    var pageText: String {
        get async throws {
            let body = try await element("body")
            return try await call("GET", "session/\(session)/element/\(body)/text")["value"] as? String ?? ""
        }
    }

    /// The page's text once it contains `needle`: after a click the old page is still there for
    /// a moment, and reading it at once races the navigation on a loaded machine.
    func pageText(containing needle: String, timeout: Duration = .seconds(15)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var text = ""
        while ContinuousClock.now < deadline {
            text = (try? await pageText) ?? ""
            if text.contains(needle) { return text }
            try await Task.sleep(for: .milliseconds(100))
        }
        return text
    }

    /// The id of the first element matching a CSS selector.
    func element(_ css: String) async throws -> String {
        let reply = try await call("POST", "session/\(session)/element", ["using": "css selector", "value": css])
        guard let value = reply["value"] as? [String: Any], let id = value.first(where: { $0.key.hasPrefix("element-") })?.value as? String else {
            throw WebDriverError("no element matches \(css): \(reply["value"] ?? "")")
        }
        return id
    }

    func type(_ css: String, _ text: String) async throws {
        let id = try await element(css)
        _ = try await call("POST", "session/\(session)/element/\(id)/clear", [:])
        _ = try await call("POST", "session/\(session)/element/\(id)/value", ["text": text])
    }

    func click(_ css: String) async throws {
        _ = try await call("POST", "session/\(session)/element/\(try await element(css))/click", [:])
    }

    func screenshot(to url: URL) async throws {
        guard let b64 = try await call("GET", "session/\(session)/screenshot")["value"] as? String, let png = Data(base64Encoded: b64) else {
            throw WebDriverError("no screenshot")
        }
        try png.write(to: url)
    }

    /// One WebDriver command through curl: Foundation's URLSession on Linux rejects
    /// chromedriver's response headers ("Failed writing header").
    @discardableResult
    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-s", "-m", "60", "-X", method, URL(string: path, relativeTo: base)!.absoluteString]
        if body != nil {
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
        }
        p.arguments = arguments
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        if let body { input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: body)) }
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw WebDriverError("curl \(method) \(path) failed with \(p.terminationStatus)") }
        return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    struct WebDriverError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
