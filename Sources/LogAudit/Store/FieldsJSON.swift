/// The decoded fields of an event as a compact JSON object with sorted keys: deterministic, so the
/// chained bytes of an event do not depend on dictionary order.
enum FieldsJSON {
    static func encode(_ fields: [String: String]) -> String {
        if fields.isEmpty { return "{}" }
        // Byte by byte: this runs for every stored event.
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(128)
        for (index, pair) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(pair.key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendQuoted(pair.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Most values need no escaping: copy them whole.
            guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes { appendEscaped(byte, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        default: out.append(byte)
        }
    }

    /// Reads back what `encode` wrote (every search result, every candidate a phrase search
    /// confirms): the strict byte reader of the JSON decoders, not Foundation.
    static func decode(_ text: String) -> [String: String] {
        if text == "{}" { return [:] }
        var text = text
        let value = text.withUTF8 { bytes in
            var reader = JSONReader(bytes)
            return reader.document()
        }
        guard case .object(let members)? = value else { return [:] }
        var fields: [String: String] = [:]
        for (key, value) in members { fields[key] = value.scalarText ?? "" }
        return fields
    }
}
