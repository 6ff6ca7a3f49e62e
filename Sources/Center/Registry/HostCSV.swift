import AnyunCore
import AnyunStore
import Foundation

/// The host spreadsheet operators keep: one host a row, headers in Chinese or English.
public enum HostCSV {
    enum Column: String, CaseIterable {
        case unit, system, hostname, ips, os, platform, securityDomain, state

        var headers: [String] {
            switch self {
            case .unit: ["单位", "所属单位", "unit"]
            case .system: ["业务系统", "所属业务系统", "system"]
            case .hostname: ["主机名", "hostname"]
            case .ips: ["IP地址", "ip地址", "IP", "ips", "ip"]
            case .os: ["操作系统", "os"]
            case .platform: ["云平台", "platform"]
            case .securityDomain: ["安全域", "security_domain", "securitydomain"]
            case .state: ["状态", "state"]
            }
        }

        var exportHeader: String { headers[0] }
        var required: Bool { self != .securityDomain && self != .state }
    }

    public static let maxRows = 50_000

    /// Reads an uploaded file into rows; a structural problem (encoding, header, quoting) rejects the file.
    public static func rows(from bytes: [UInt8]) throws(HostImportFailure) -> [HostImportRow] {
        guard !bytes.isEmpty else { throw HostImportFailure([RowError(line: 0, field: "file", reason: "文件为空 (empty file)")]) }
        let text: String
        do { text = try TextDecoding.decode(bytes).text } catch {
            throw HostImportFailure([RowError(line: 0, field: "file", reason: error.description)])
        }
        let records: [CSV.Record]
        do { records = try CSV.parse(text) } catch {
            throw HostImportFailure([RowError(line: error.line, field: "file", reason: error.reason)])
        }
        guard let header = records.first else {
            throw HostImportFailure([RowError(line: 0, field: "file", reason: "文件为空 (empty file)")])
        }
        if records.count - 1 > maxRows {
            throw HostImportFailure([RowError(line: 0, field: "file", reason: "行数超过 \(maxRows) (too many rows)")])
        }
        let positions = try columnPositions(header)
        var rows: [HostImportRow] = []
        var errors: [RowError] = []
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
            if record.fields.count > header.fields.count {
                errors.append(RowError(line: record.line, field: "row",
                                       reason: "列数 \(record.fields.count) 多于表头 \(header.fields.count) (more cells than headers)"))
                continue
            }
            func cell(_ c: Column) -> String {
                guard let i = positions[c], i < record.fields.count else { return "" }
                return record.fields[i].trimmingWhitespace()
            }
            let draft = HostDraft(hostname: cell(.hostname), ips: splitAddresses(cell(.ips)), os: cell(.os),
                                  platform: cell(.platform), securityDomain: cell(.securityDomain), state: cell(.state))
            rows.append(HostImportRow(line: record.line, unitName: cell(.unit), systemName: cell(.system), draft: draft))
        }
        if !errors.isEmpty { throw HostImportFailure(errors) }
        if rows.isEmpty { throw HostImportFailure([RowError(line: 0, field: "file", reason: "文件没有数据行 (no host rows)")]) }
        return rows
    }

    static func columnPositions(_ header: CSV.Record) throws(HostImportFailure) -> [Column: Int] {
        var positions: [Column: Int] = [:]
        var errors: [RowError] = []
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingWhitespace().replacingOccurrences(of: " ", with: "")
            guard let column = Column.allCases.first(where: { c in c.headers.contains { $0.caseInsensitiveCompare(name) == .orderedSame } }) else {
                errors.append(RowError(line: header.line, field: "header", reason: "未知的列「\(name.prefix(40))」(unknown column)"))
                continue
            }
            if positions[column] != nil {
                errors.append(RowError(line: header.line, field: "header", reason: "列「\(name)」重复 (duplicate column)"))
            }
            positions[column] = i
        }
        for c in Column.allCases where c.required && positions[c] == nil {
            errors.append(RowError(line: header.line, field: "header", reason: "缺少列「\(c.exportHeader)」(missing column \(c.rawValue))"))
        }
        if !errors.isEmpty { throw HostImportFailure(errors) }
        return positions
    }

    /// Several addresses in one cell, separated as people type them in spreadsheets.
    static func splitAddresses(_ cell: String) -> [String] {
        cell.split(whereSeparator: { ",;，；、 \n".contains($0) }).map(String.init)
    }

    /// A UTF-8 file with a byte-order mark, which Excel opens with the right encoding.
    public static func export(_ hosts: [CloudHost], unitNames: [Int64: String], systemNames: [Int64: String]) -> [UInt8] {
        var out = "\u{FEFF}" + CSV.line(Column.allCases.map(\.exportHeader))
        for h in hosts {
            out += CSV.line([unitNames[h.unitID] ?? "", systemNames[h.systemID] ?? "", h.hostname, h.ips.joined(separator: ";"),
                             h.os, h.platform, h.securityDomain, h.state.chineseName])
        }
        return Array(out.utf8)
    }
}
