/// `json:` compiled: a JSON object becomes flat fields, nested keys joined with dots
/// (`{"fields":{"src_ip":"…"}}` → `fields.src_ip`). Arrays of scalars become one comma-joined
/// value (easy to search); other arrays are indexed (`items.0.name`). Nulls are dropped.
enum JSONFlattener {
    enum Value {
        case null, bool(Bool), int(Int64), double(Double), string(String)
        case array([Value]), object([(String, Value)])

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
        var reader = JSONReader(bytes)
        guard let value = reader.document(), case .object(let object) = value else { return false }
        add(object, prefix: "", into: &fields)
        return true
    }

    private static func add(_ object: [(String, Value)], prefix: String, into fields: inout [String: String]) {
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
