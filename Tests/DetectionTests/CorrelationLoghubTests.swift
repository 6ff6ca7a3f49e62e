import AnyunCore
@testable import Detection
import Foundation
import XCTest

/// The SSH brute-force correlation over the public Loghub OpenSSH sample (a real server under
/// attack, December 2017).
final class CorrelationLoghubTests: XCTestCase {
    private static let path = "/work/shared/testdata/loghub/OpenSSH/OpenSSH_2k.log_structured.csv"

    /// Failed password attempts from the CSV's Date/Day/Time and Content columns.
    private func failures() throws -> [(time: Int64, ip: String, user: String)] {
        guard FileManager.default.fileExists(atPath: Self.path) else {
            throw XCTSkip("Loghub OpenSSH sample not found at \(Self.path)")
        }
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"Failed password for (?:invalid user )?(\S+) from (\d+\.\d+\.\d+\.\d+) port \d+ ssh2"#)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var out: [(Int64, String, String)] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            // LineId,Date,Day,Time,Component,Pid,Content,EventId,EventTemplate; Content is field 7.
            let columns = line.split(separator: ",", maxSplits: 6, omittingEmptySubsequences: false)
            guard columns.count == 7, let month = months.firstIndex(of: String(columns[1])), let day = Int(columns[2]) else { continue }
            let rest = String(columns[6])
            guard let m = pattern.firstMatch(in: rest, range: NSRange(rest.startIndex..., in: rest)),
                  let userRange = Range(m.range(at: 1), in: rest), let ipRange = Range(m.range(at: 2), in: rest) else { continue }
            let hms = columns[3].split(separator: ":").compactMap { Int($0) }
            guard hms.count == 3,
                  let date = calendar.date(from: DateComponents(year: 2017, month: month + 1, day: day,
                                                                hour: hms[0], minute: hms[1], second: hms[2])) else { continue }
            out.append((LogEvent.microseconds(date), String(rest[ipRange]), String(rest[userRange])))
        }
        return out
    }

    func testSSHBruteForceOverOpenSSHSample() throws {
        let attempts = try failures()
        XCTAssertGreaterThan(attempts.count, 400, "the sample has some 500 failed passwords")

        // Independently: which sources have 5 failures within some 60-second span?
        var bySource: [String: [Int64]] = [:]
        for a in attempts { bySource[a.ip, default: []].append(a.time) }
        var expected = Set<String>()
        for (ip, times) in bySource {
            let sorted = times.sorted()
            if sorted.count >= 5, (4..<sorted.count).contains(where: { sorted[$0] - sorted[$0 - 4] <= 60_000_000 }) {
                expected.insert(ip)
            }
        }
        XCTAssertGreaterThan(bySource["183.62.140.253"]?.count ?? 0, 100, "the sample's main attacker")
        XCTAssertTrue(expected.contains("183.62.140.253"))
        XCTAssertTrue(expected.contains("187.141.143.180"))

        var engine = DetectionEngine(rules: try RuleSet.shipped())
        var detected: [String: Int] = [:]
        for (i, a) in attempts.enumerated() {
            let event = LogEvent(seq: Int64(i + 1), time: a.time, received: a.time, transport: .udp, hostname: "LabSZ",
                                 app: "sshd", message: "Failed password for \(a.user) from \(a.ip)",
                                 fields: ["action": "login", "outcome": "failure", "user": a.user, "src_ip": a.ip],
                                 decoder: "sshd")
            for m in engine.process(event) where m.title == "SSH Brute Force" {
                XCTAssertTrue(m.groupKey.hasPrefix("src_ip="))
                detected[String(m.groupKey.dropFirst("src_ip=".count)), default: 0] += 1
            }
        }
        XCTAssertEqual(Set(detected.keys), expected)
        // Windows are consumed when they fire: at most one alert per five failures.
        for (ip, n) in detected { XCTAssertLessThanOrEqual(n * 5, bySource[ip]!.count, ip) }
        print("Loghub OpenSSH: \(attempts.count) failed passwords from \(bySource.count) sources; brute force detected for "
              + detected.sorted { $0.value > $1.value }.map { "\($0.key)×\($0.value)" }.joined(separator: ", "))
    }
}
