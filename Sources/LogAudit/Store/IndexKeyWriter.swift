/// Writes the index keys of one event (see `IndexTerm`) into a reused buffer: exactly the terms
/// the in-memory matcher reads (`QueryIndexedValues`, `Unicode61Tokens`), so the index and the
/// matcher cannot disagree.
struct IndexKeyWriter: Sendable {
    private var buffer: [UInt8] = []

    /// Calls `body` with each key and the length of its kind-and-name prefix.
    mutating func forEachKey(of record: EventRecord, fields: [String: String],
                             _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        field("source", record.source, address: true, body)
        field("host", record.host, address: false, body)
        field("app", record.app, address: false, body)
        field("decoder", record.decoder, address: false, body)
        for (name, value) in fields { field(name, value, address: true, body) }
        column("severity", record.severity, body)
        column("facility", record.facility, body)
        column("transport", record.transport, body)
        column("unit_id", record.unitID, body)
        column("system_id", record.systemID, body)
        column("host_id", record.hostID, body)
        start(.text, "")
        let prefix = buffer.count
        Unicode61Tokens.forEachToken(of: record.message) { token in
            buffer.removeSubrange(prefix...)
            buffer.append(contentsOf: token)
            buffer.withUnsafeBytes { body($0, prefix) }
        }
    }

    private mutating func start(_ kind: IndexTerm.Kind, _ name: String) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(kind.rawValue)
        var name = name
        name.withUTF8 { buffer.append(contentsOf: $0) }
        buffer.append(0)
    }

    private mutating func field(_ name: String, _ value: String?, address: Bool,
                                _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        guard var value, !value.isEmpty, value.utf8.count <= QueryIndexedValues.maxValueBytes else { return }
        start(.field, name)
        let prefix = buffer.count
        value.withUTF8 { buffer.append(contentsOf: $0) }
        buffer.withUnsafeBytes { body($0, prefix) }
        if address, let key = QueryIPKey.key(value) {
            start(.field, name + "#ip")
            let prefix = buffer.count
            buffer.append(contentsOf: key.utf8)
            buffer.withUnsafeBytes { body($0, prefix) }
        }
    }

    private mutating func column(_ name: String, _ value: Int64?, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        guard let value else { return }
        start(.column, name)
        let prefix = buffer.count
        buffer.append(contentsOf: String(value).utf8)
        buffer.withUnsafeBytes { body($0, prefix) }
    }
}
