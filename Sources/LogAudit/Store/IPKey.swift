/// The sortable index key of an IP address: 32 lowercase hex digits of its 16-byte form, IPv4
/// mapped to ::ffff:a.b.c.d, so that every CIDR block is one contiguous key range. The writer
/// and the query compiler share one implementation (`QueryIPKey`), so they cannot drift apart.
public enum IPKey {
    public static func hex(_ text: String) -> String? { QueryIPKey.key(text) }

    public static func hex(bytes: [UInt8]) -> String { QueryIPKey.hex(bytes) }
}
