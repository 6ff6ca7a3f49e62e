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
}
