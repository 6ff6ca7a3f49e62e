import Foundation
import XCTest

/// Runs the reference tools (`openssl`, Python `gmssl`) the cross-checks compare against.
///
/// A missing tool is a failing test, not a skip: `make test` installs them, and a
/// cross-check that silently does not run proves nothing.
struct ToolRun {
    let status: Int32
    let stdout: Data
    let stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

enum ToolError: Error, CustomStringConvertible {
    case missing(String)
    case failed(String)

    var description: String {
        switch self {
        case .missing(let message), .failed(let message): message
        }
    }
}

enum ExternalTools {
    /// Finds `name` on PATH.
    static func locate(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    static func openssl() throws -> URL {
        guard let url = locate("openssl") else {
            throw ToolError.missing("the `openssl` command is not on PATH: install the Debian package `openssl` (apt-get install openssl)")
        }
        return url
    }

    static func python() throws -> URL {
        guard let url = locate("python3") else {
            throw ToolError.missing("`python3` is not on PATH: install Debian's `python3` and then `pip install gmssl`")
        }
        let probe = try run(url, ["-c", "import gmssl"])
        guard probe.status == 0 else {
            throw ToolError.missing("the Python package `gmssl` is not installed for \(url.path): run `pip install gmssl` (\(lastLine(of: probe.stderr)))")
        }
        return url
    }

    private static func lastLine(of text: String) -> String {
        text.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// Runs `executable` with `arguments`, feeding `stdin`; output goes through files so a
    /// chatty tool can never fill a pipe and deadlock us.
    static func run(_ executable: URL, _ arguments: [String], stdin: Data = Data()) throws -> ToolRun {
        let scratch = try ScratchDirectory()
        let input = scratch.file("stdin"), output = scratch.file("stdout"), errors = scratch.file("stderr")
        try stdin.write(to: input)
        try Data().write(to: output)
        try Data().write(to: errors)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus,
                       stdout: try Data(contentsOf: output),
                       stderr: String(decoding: try Data(contentsOf: errors), as: UTF8.self))
    }

    /// Runs `openssl` and throws with its stderr unless it exits 0.
    @discardableResult
    static func openssl(_ arguments: [String], stdin: Data = Data()) throws -> ToolRun {
        let result = try run(try openssl(), arguments, stdin: stdin)
        guard result.status == 0 else {
            throw ToolError.failed("openssl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    /// Runs a Python snippet that may `from gmssl import ...`, returning its trimmed stdout.
    static func gmssl(_ script: String) throws -> String {
        let result = try run(try python(), ["-c", script])
        guard result.status == 0 else {
            throw ToolError.failed("python3 gmssl script exited \(result.status): \(result.stderr)")
        }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A temporary directory removed when the value goes away.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("anyun-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> URL {
        let target = file(name)
        try data.write(to: target)
        return target
    }

    func read(_ name: String) throws -> Data { try Data(contentsOf: file(name)) }
}
