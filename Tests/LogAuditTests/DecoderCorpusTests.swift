import Foundation
import XCTest
@testable import LogAudit

/// The shipped decoders on real logs: the Loghub 2k samples of OpenSSH, Linux and Apache
/// (/work/shared/testdata/loghub, see its SOURCE.md).
///
/// - OpenSSH: the structured CSV's Component column holds the host name ("LabSZ"), not the
///   program, so the app is taken from the same line of OpenSSH_2k.log ("sshd[24200]"); the
///   message is the CSV's Content.
/// - Linux: app = Component as syslog gives it ("sshd(pam_unix)", "syslogd 1.4.1", "-- root"),
///   message = Content.
/// - Apache (error_log read from a file): app "httpd", message = the whole line of Apache_2k.log,
///   as a file-reading shipper (rsyslog imfile, filebeat) forwards it.
///
/// The asserted counts are what the shipped decoders reach today: a regression fails.
final class DecoderCorpusTests: XCTestCase {
    static let root = URL(fileURLWithPath: "/work/shared/testdata/loghub")

    private func corpus(_ name: String) throws -> URL {
        let dir = Self.root.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: dir.path) else {
            throw XCTSkip("Loghub corpus \(dir.path) is absent; the decode-rate test needs it")
        }
        return dir
    }

    private func rows(_ dir: URL, _ file: String) throws -> [[String: String]] {
        let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        return CSV.records(text)
    }

    private func rawLines(_ dir: URL, _ file: String) throws -> [String] {
        // The files have CRLF line ends; "\r\n" is one Character in Swift.
        try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            .split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0) }
    }

    private func report(_ source: String, _ decoded: Int, _ total: Int) {
        let rate = total == 0 ? 0 : Double(decoded) * 100 / Double(total)
        print("decode rate \(source): \(decoded)/\(total) = \(String(format: "%.1f", rate))%")
    }

    // MARK: OpenSSH

    func testOpenSSHDecodeRateAndMeaning() throws {
        let dir = try corpus("OpenSSH")
        let set = try DecoderSet.shipped()
        let records = try rows(dir, "OpenSSH_2k.log_structured.csv")
        let raw = try rawLines(dir, "OpenSSH_2k.log")
        XCTAssertEqual(records.count, 2000)
        var decoded = 0, failedPassword = 0, invalidUser = 0, accepted = 0
        var undecoded: [String] = []
        for r in records {
            let lineID = Int(r["LineId"]!)!
            let app = Self.appOfSyslogLine(raw[lineID - 1])
            XCTAssertEqual(app.hasPrefix("sshd["), true, "line \(lineID)")
            let content = r["Content"]!
            let template = r["EventTemplate"]!
            guard let result = set.decode(app: app, message: content) else {
                undecoded.append(content)
                continue
            }
            decoded += 1
            let f = result.fields
            if template.hasPrefix("Failed password for") {
                failedPassword += 1
                XCTAssertEqual(f["action"], "login", content)
                XCTAssertEqual(f["outcome"], "failure", content)
                let ip = Self.capture(content, #" from (\S+) port (\d+) "#)
                XCTAssertEqual(f["src_ip"], ip?[0], content)
                XCTAssertEqual(f["src_port"], ip?[1], content)
                XCTAssertTrue(f["src_ip"].map(Self.isIP) ?? false, content)
                if template.hasPrefix("Failed password for invalid user") {
                    XCTAssertEqual(f["user"], Self.capture(content, #"invalid user (.*) from \S+ port"#)?[0], content)
                    XCTAssertEqual(f["reason"], "invalid_user", content)
                } else {
                    XCTAssertEqual(f["user"], Self.capture(content, #"Failed password for (.*) from \S+ port"#)?[0], content)
                }
            }
            if template.hasPrefix("Invalid user") {
                invalidUser += 1
                let m = Self.capture(content, #"^Invalid user (.*) from (\S+)$"#)
                XCTAssertEqual(f["user"], m?[0], content)
                XCTAssertEqual(f["src_ip"], m?[1], content)
                XCTAssertEqual(f["outcome"], "failure", content)
            }
            if template.hasPrefix("Accepted password") {
                accepted += 1
                let m = Self.capture(content, #"^Accepted password for (\S+) from (\S+) port (\d+) ssh2$"#)
                XCTAssertEqual([f["user"], f["src_ip"], f["src_port"]], m?.map { Optional($0) }, content)
                XCTAssertEqual(f["outcome"], "success", content)
                XCTAssertEqual(f["auth_method"], "password", content)
            }
            if template.hasPrefix("pam_unix(sshd:auth): authentication failure") || template.hasPrefix("PAM ") && template.contains("rhost") {
                let rhost = Self.capture(content, #"rhost=(\S+)"#)?[0]
                XCTAssertEqual(f["outcome"], "failure", content)
                if let rhost, Self.isIP(rhost) { XCTAssertEqual(f["src_ip"], rhost, content) } else { XCTAssertEqual(f["src_host"], rhost, content) }
            }
            if template.hasPrefix("reverse mapping checking") {
                XCTAssertEqual(f["src_ip"], Self.capture(content, #"\[(\S+)\]"#)?[0], content)
                XCTAssertEqual(f["reason"], "possible_break_in", content)
            }
        }
        report("OpenSSH", decoded, records.count)
        for u in undecoded.prefix(10) { print("  undecoded OpenSSH:", u) }
        XCTAssertGreaterThan(failedPassword, 300)
        XCTAssertGreaterThan(invalidUser, 50)
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertGreaterThanOrEqual(decoded, Self.expected["OpenSSH"]!)
    }

    // MARK: Linux

    func testLinuxDecodeRateAndMeaning() throws {
        let dir = try corpus("Linux")
        let set = try DecoderSet.shipped()
        let records = try rows(dir, "Linux_2k.log_structured.csv")
        XCTAssertEqual(records.count, 2000)
        var decoded = 0
        var undecoded: [String: Int] = [:]
        var byDecoder: [String: Int] = [:]
        for r in records {
            let app = r["Component"]!
            let content = r["Content"]!
            let template = r["EventTemplate"]!
            guard let result = set.decode(app: app, message: content) else {
                undecoded["\(app): \(template)", default: 0] += 1
                continue
            }
            decoded += 1
            byDecoder[result.decoder, default: 0] += 1
            let f = result.fields
            if template.hasPrefix("authentication failure;"), app.hasPrefix("sshd") {
                XCTAssertEqual(f["action"], "login", content)
                XCTAssertEqual(f["outcome"], "failure", content)
                XCTAssertEqual(f["service"], "sshd", content)
                if let rhost = Self.capture(content, #"rhost=(\S+)"#)?[0] {
                    if Self.isIP(rhost) { XCTAssertEqual(f["src_ip"], rhost, content) } else { XCTAssertEqual(f["src_host"], rhost, content) }
                }
                XCTAssertEqual(f["user"], Self.capture(content, #" user=(\S+)"#)?[0], content)
            }
            if app.hasPrefix("su("), template.hasPrefix("session opened") {
                XCTAssertEqual(f["action"], "session_open", content)
                XCTAssertEqual(f["target_user"], Self.capture(content, #"for user (\S+)"#)?[0], content)
                XCTAssertEqual(f["category"], "privilege", content)
            }
            if app == "ftpd", template.hasPrefix("connection from") {
                XCTAssertEqual(f["src_ip"], Self.capture(content, #"^connection from (\S+)"#)?[0], content)
                XCTAssertEqual(f["action"], "connect", content)
            }
            if app == "kernel" { XCTAssertTrue(result.decoder.hasPrefix("kernel") || result.decoder.hasPrefix("auditd"), content) }
            if app == "logrotate" { XCTAssertEqual(f["outcome"], "failure", content) }
        }
        report("Linux", decoded, records.count)
        for (k, n) in undecoded.sorted(by: { $0.value > $1.value }) { print("  undecoded Linux (\(n)):", k) }
        XCTAssertGreaterThanOrEqual(decoded, Self.expected["Linux"]!)
        // Security-relevant kinds must each be decoded by their own decoder.
        for name in ["pam-auth-failure", "pam-user-unknown", "su-session-opened", "pam-session-opened", "ftpd-connection",
                     "klogind-auth-failed", "logrotate-failed", "login-root", "gdm-auth-failed", "kernel"] {
            XCTAssertGreaterThan(byDecoder[name] ?? 0, 0, name)
        }
    }

    // MARK: Apache

    func testApacheDecodeRateAndMeaning() throws {
        let dir = try corpus("Apache")
        let set = try DecoderSet.shipped()
        let records = try rows(dir, "Apache_2k.log_structured.csv")
        let raw = try rawLines(dir, "Apache_2k.log")
        XCTAssertEqual(records.count, 2000)
        var decoded = 0, clients = 0
        for r in records {
            let line = raw[Int(r["LineId"]!)! - 1]
            guard let result = set.decode(app: "httpd", message: line) else {
                print("  undecoded Apache:", line)
                continue
            }
            decoded += 1
            let f = result.fields
            XCTAssertEqual(f["level"], r["Level"], line)
            XCTAssertEqual(f["log_time"], r["Time"], line)
            if let client = Self.capture(line, #"\[client (\S+)\]"#)?[0] {
                clients += 1
                XCTAssertEqual(f["src_ip"], client, line)
                XCTAssertEqual(result.decoder, "apache-directory-forbidden", line)
                XCTAssertEqual(f["path"], "/var/www/html/", line)
            }
        }
        report("Apache", decoded, records.count)
        XCTAssertGreaterThan(clients, 0)
        XCTAssertGreaterThanOrEqual(decoded, Self.expected["Apache"]!)
    }

    // MARK: Throughput (printed, never asserted)

    func testThroughputOnOpenSSH() throws {
        let dir = try corpus("OpenSSH")
        let set = try DecoderSet.shipped()
        let lines = try rows(dir, "OpenSSH_2k.log_structured.csv").map { $0["Content"]! }
        let rounds = 50
        var hits = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds {
            for l in lines where set.decode(app: "sshd", message: l) != nil { hits += 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let n = rounds * lines.count
        print("decode throughput OpenSSH: \(n) lines in \(String(format: "%.3f", seconds)) s = \(Int(Double(n) / seconds)) decodes/s (one core, this build's optimization level)")
        XCTAssertEqual(hits % rounds, 0)
    }

    /// What the shipped decoders reach on the Loghub samples (decoded lines of 2000).
    static let expected: [String: Int] = ["OpenSSH": 2000, "Linux": 1998, "Apache": 2000]

    // MARK: helpers

    /// "Dec 10 06:55:46 LabSZ sshd[24200]: …" → "sshd[24200]".
    static func appOfSyslogLine(_ line: String) -> String {
        let parts = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard parts.count >= 5 else { return "" }
        var tag = String(parts[4])
        if tag.hasSuffix(":") { tag.removeLast() }
        return tag
    }

    static func capture(_ text: String, _ pattern: String) -> [String]? {
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (1..<m.numberOfRanges).map { i in
            Range(m.range(at: i), in: text).map { String(text[$0]) } ?? ""
        }
    }

    static func isIP(_ s: String) -> Bool {
        var a = in_addr(), b = in6_addr()
        return inet_pton(AF_INET, s, &a) == 1 || inet_pton(AF_INET6, s, &b) == 1
    }
}

/// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines.
private enum CSV {
    static func records(_ text: String) -> [[String: String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n":
                row.append(field); field = ""
                rows.append(row); row = []
            case "\r": break
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().filter { $0.count == header.count }.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
