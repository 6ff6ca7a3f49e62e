import AnyunCore
import Foundation
import XCTest

@testable import LogAudit

/// Real syslogd files (loghub OpenSSH and Linux `/var/log/messages`): every line must parse as
/// RFC 3164 with the program and pid the dataset's hand-checked `*_structured.csv` gives.
final class SyslogLoghubTests: XCTestCase {
    func testOpenSSH() throws {
        // The OpenSSH CSV calls the hostname "Component"; the program is sshd throughout.
        try check(log: "loghub/OpenSSH/OpenSSH_2k.log", csv: "loghub/OpenSSH/OpenSSH_2k.log_structured.csv",
                  host: { $0["Component"] }, app: { _ in "sshd" }, pid: { $0["Pid"] })
    }

    func testLinux() throws {
        try check(log: "loghub/Linux/Linux_2k.log", csv: "loghub/Linux/Linux_2k.log_structured.csv",
                  host: { $0["Level"] }, app: { $0["Component"] }, pid: { $0["PID"] })
    }

    private func check(log: String, csv: String, host: ([String: String]) -> String?,
                       app: ([String: String]) -> String?, pid: ([String: String]) -> String?) throws {
        let logURL = try SyslogTestData.file(log)
        let rows = try Self.readCSV(try SyslogTestData.file(csv))
        let lines = try Data(contentsOf: logURL).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .filter { !$0.isEmpty }
        XCTAssertEqual(lines.count, rows.count)
        XCTAssertEqual(lines.count, 2000)

        let parser = SyslogParser()
        let received = SyslogTestData.received
        var good = 0
        for (index, (line, row)) in zip(lines, rows).enumerated() {
            let message = parser.parse(line, received: received)
            let wantPID = pid(row).flatMap { $0.isEmpty ? nil : $0 }
            let content = row["Content"] ?? ""
            let ok = message.format == .rfc3164 && !message.flags.contains(.parseError)
                && message.hostname == host(row) && message.appName == app(row) && message.procID == wantPID
                && message.priority == 13 && message.timestamp != nil
                && message.msg.trimmingCharacters(in: .whitespaces) == content
            if ok {
                good += 1
            } else if good + 20 > index {
                XCTFail("line \(index + 1): \(String(decoding: line, as: UTF8.self)) -> host \(message.hostname ?? "-") "
                        + "app \(message.appName ?? "-") pid \(message.procID ?? "-") msg \(message.msg) "
                        + "flags \(message.flags.rawValue); want \(host(row) ?? "-") \(app(row) ?? "-") \(wantPID ?? "-")")
            }
        }
        print("syslog loghub \(log): \(good)/\(lines.count) lines match the structured CSV")
        XCTAssertEqual(good, lines.count)
    }

    /// RFC 4180 CSV with a header row (quoted fields may hold commas and doubled quotes).
    static func readCSV(_ url: URL) throws -> [[String: String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field)
                field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r", let next = iterator.next(), next != "\n" { pending = next }
                record.append(field)
                field = ""
                records.append(record)
                record = []
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        guard let header = records.first else { return [] }
        return records.dropFirst().map { values in
            Dictionary(uniqueKeysWithValues: zip(header, values).map { ($0, $1) })
        }
    }
}
