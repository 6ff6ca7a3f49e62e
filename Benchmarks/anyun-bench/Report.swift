import Foundation

/// Formats results for people (aligned table) or for scripts (tab-separated).
enum Report {
    static func table(_ results: [Result]) -> String {
        var lines = ["primitive         buffer       rate"]
        for result in results {
            let buffer = result.bufferBytes.map(describe) ?? "-"
            lines.append(pad(result.name, 18) + pad(buffer, 9) + String(format: "%10.1f %@", result.value, result.unit.rawValue))
        }
        return lines.joined(separator: "\n")
    }

    /// `name<TAB>buffer bytes (0 for op rates)<TAB>value<TAB>unit`, one result per line.
    static func tsv(_ results: [Result]) -> String {
        results.map { result in
            "\(result.name)\t\(result.bufferBytes ?? 0)\t\(String(format: "%.2f", result.value))\t\(result.unit.rawValue)"
        }.joined(separator: "\n")
    }

    private static func describe(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes / 1024) KiB"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
