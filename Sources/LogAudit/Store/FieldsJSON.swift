import Foundation

/// The decoded fields of an event as a compact JSON object with sorted keys: deterministic, so the
/// chained bytes of an event do not depend on dictionary order.
enum FieldsJSON {
    static func encode(_ fields: [String: String]) -> String {
        if fields.isEmpty { return "{}" }
        var out = "{"
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            appendQuoted(key, to: &out)
            out += ":"
            appendQuoted(fields[key]!, to: &out)
        }
        out += "}"
        return out
    }

    static func decode(_ text: String) -> [String: String] {
        if text == "{}" { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        var fields: [String: String] = [:]
        for (key, value) in object { fields[key] = value as? String ?? "\(value)" }
        return fields
    }

    static func appendQuoted(_ text: String, to out: inout String) {
        out += "\""
        var pending = Substring(text)
        while let index = pending.unicodeScalars.firstIndex(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }) {
            out += pending[..<index]
            let scalar = pending.unicodeScalars[index]
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += String(format: "\\u%04x", scalar.value)
            }
            pending = pending[pending.unicodeScalars.index(after: index)...]
        }
        out += pending
        out += "\""
    }
}
