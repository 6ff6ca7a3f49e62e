import AnyunCore

/// One entry of a bucket's inverted index: a decoded or header field value, a numeric column
/// value, or a full-text token.
///
/// On disk a term is the byte key `kind, name, 0x00, value`, so that all values of one field are
/// one key range in byte order (what wildcards, CIDR blocks and text ranges scan).
struct IndexTerm: Hashable, Sendable {
    enum Kind: UInt8, Sendable {
        /// `source`, `host`, `app`, `decoder`, every decoded field, and `<name>#ip` keys
        /// (see `QueryIndexedValues`).
        case field = 0x66
        /// `severity`, `facility`, `transport` (its code), `unit_id`, `system_id`, `host_id` as
        /// decimal text.
        case column = 0x63
        /// A token of the message as `Unicode61Tokens` makes it; the name is empty.
        case text = 0x74
    }

    var kind: Kind
    var name: String
    var value: String

    static func text(_ token: String) -> IndexTerm { IndexTerm(kind: .text, name: "", value: token) }

    var key: [UInt8] { Self.prefix(kind, name) + Array(value.utf8) }

    /// The key bytes every value of `name` starts with.
    static func prefix(_ kind: Kind, _ name: String) -> [UInt8] {
        [kind.rawValue] + Array(name.utf8) + [0]
    }

    /// Splits a stored key back into its parts.
    init?(key: [UInt8]) {
        guard let first = key.first, let kind = Kind(rawValue: first),
              let separator = key.dropFirst().firstIndex(of: 0) else { return nil }
        self.kind = kind
        name = String(decoding: key[1..<separator], as: UTF8.self)
        value = String(decoding: key[(separator + 1)...], as: UTF8.self)
    }

    init(kind: Kind, name: String, value: String) {
        self.kind = kind
        self.name = name
        self.value = value
    }

    /// Every term of one event, exactly what the in-memory matcher reads (`QueryIndexedValues`,
    /// `Unicode61Tokens`), so the index and the matcher cannot disagree.
    static func forEach(of record: EventRecord, fields: [String: String], _ body: (IndexTerm) -> Void) {
        func field(_ name: String, _ value: String?, address: Bool) {
            guard let value, !value.isEmpty, value.utf8.count <= QueryIndexedValues.maxValueBytes else { return }
            body(IndexTerm(kind: .field, name: name, value: value))
            if address, let key = QueryIPKey.key(value) { body(IndexTerm(kind: .field, name: name + "#ip", value: key)) }
        }
        func column(_ name: String, _ value: Int64?) {
            if let value { body(IndexTerm(kind: .column, name: name, value: String(value))) }
        }
        field("source", record.source, address: true)
        field("host", record.host, address: false)
        field("app", record.app, address: false)
        field("decoder", record.decoder, address: false)
        for (name, value) in fields { field(name, value, address: true) }
        column("severity", record.severity)
        column("facility", record.facility)
        column("transport", record.transport)
        column("unit_id", record.unitID)
        column("system_id", record.systemID)
        column("host_id", record.hostID)
        for token in Unicode61Tokens.tokens(of: record.message) { body(.text(token)) }
    }
}
