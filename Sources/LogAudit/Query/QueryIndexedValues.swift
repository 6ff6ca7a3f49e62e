import AnyunCore

/// The field values the bucket index holds for an event (`IndexKeyWriter`): the sender address
/// (`source`), the header's `host`, `app` and `decoder`, then every decoded field; empty values
/// and values longer than `maxValueBytes` are not indexed. `<name>#ip` rows exist for the sender
/// address and for decoded fields whose value is an IP address (not for host/app/decoder
/// headers, unless a decoded field carries the same name).
///
/// The in-memory matcher reads events through this so that it sees exactly what the index holds.
enum QueryIndexedValues {
    static let maxValueBytes = 256

    /// Header names indexed as text only: an IP written in them (a host named by its address)
    /// has no `#ip` row, so an exact address is looked up as text there and by key elsewhere.
    static let textOnlyNames: Set<String> = ["host", "app", "decoder"]

    /// The indexed values of `name` (a name never ends in `#ip` here).
    static func values(of name: String, in event: LogEvent) -> [String] {
        var out: [String] = []
        let header: String?
        switch name {
        case "source": header = event.sourceAddress
        case "host": header = event.hostname
        case "app": header = event.app
        case "decoder": header = event.decoder
        default: header = nil
        }
        if let header, isIndexable(header) { out.append(header) }
        if let decoded = event.fields[name], isIndexable(decoded) { out.append(decoded) }
        return out
    }

    /// The keys of the `<name>#ip` rows.
    static func ipKeys(of name: String, in event: LogEvent) -> [String] {
        var out: [String] = []
        if name == "source", let source = event.sourceAddress, let key = QueryIPKey.key(source) { out.append(key) }
        if let decoded = event.fields[name], let key = QueryIPKey.key(decoded) { out.append(key) }
        return out
    }

    private static func isIndexable(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= maxValueBytes
    }
}
