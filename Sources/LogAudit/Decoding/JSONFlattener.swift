import Foundation

/// `json:` compiled: a JSON object becomes flat fields, nested keys joined with dots
/// (`{"fields":{"src_ip":"…"}}` → `fields.src_ip`). Arrays of scalars become one comma-joined
/// value (easy to search); other arrays are indexed (`items.0.name`). Nulls are dropped.
enum JSONFlattener {
    private enum Value: Decodable {
        case null, bool(Bool), int(Int64), double(Double), string(String)
        case array([Value]), object([String: Value])

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int64.self) { self = .int(i) }
            else if let d = try? c.decode(Double.self) { self = .double(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([Value].self) { self = .array(a) }
            else { self = .object(try c.decode([String: Value].self)) }
        }

        var scalarText: String? {
            switch self {
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
            case .string(let s): return s
            case .null, .array, .object: return nil
            }
        }
    }

    /// Adds the object's fields; false when the bytes are not a JSON object.
    static func flatten(_ bytes: UnsafeBufferPointer<UInt8>, into fields: inout [String: String]) -> Bool {
        guard let first = bytes.first(where: { !ByteClass.isSpace($0) }), first == 0x7B else { return false }
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(bytes)), case .object(let object) = value else {
            return false
        }
        add(object, prefix: "", into: &fields)
        return true
    }

    private static func add(_ object: [String: Value], prefix: String, into fields: inout [String: String]) {
        for (key, value) in object { add(value, key: prefix + key, into: &fields) }
    }

    private static func add(_ value: Value, key: String, into fields: inout [String: String]) {
        switch value {
        case .null: return
        case .object(let o): add(o, prefix: key + ".", into: &fields)
        case .array(let items):
            let scalars = items.compactMap(\.scalarText)
            if scalars.count == items.count {
                if !scalars.isEmpty { fields[key] = scalars.joined(separator: ",") }
            } else {
                for (i, item) in items.enumerated() { add(item, key: "\(key).\(i)", into: &fields) }
            }
        default:
            if let s = value.scalarText, !s.isEmpty { fields[key] = s }
        }
    }
}
