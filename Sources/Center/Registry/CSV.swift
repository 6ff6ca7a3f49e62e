import Foundation

/// RFC 4180 CSV with the line each record starts on, so an import can say "line 17" about a
/// row even when an earlier field spans several lines inside quotes.
public enum CSV {
    public struct Record: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    public struct Failure: Error, Equatable, Sendable {
        public var line: Int
        public var reason: String
    }

    public static func parse(_ text: String) throws(Failure) -> [Record] {
        var records: [Record] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var iterator = Array(text.unicodeScalars)[...]

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            fieldStarted = false
        }

        while let c = iterator.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if iterator.first == "\"" { iterator.removeFirst(); field.unicodeScalars.append("\"") } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard !fieldStarted else { throw Failure(line: line, reason: "引号出现在字段中间 (quote inside an unquoted field)") }
                inQuotes = true
                fieldStarted = true
            case ",":
                fields.append(field)
                field = ""
                fieldStarted = false
            case "\r":
                if iterator.first == "\n" { continue }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        if inQuotes { throw Failure(line: recordLine, reason: "引号未闭合 (unterminated quoted field)") }
        if fieldStarted || !fields.isEmpty { endRecord() }
        return records
    }

    /// One CSV line; fields that need it are quoted. A leading =, +, - or @ is prefixed with a
    /// quote mark so a spreadsheet does not run a formula from registry data (CSV injection).
    public static func line(_ fields: [String]) -> String {
        fields.map { raw in
            var f = raw
            if let first = f.first, "=+-@".contains(first) { f = "'" + f }
            if f.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return f
        }.joined(separator: ",") + "\r\n"
    }
}
