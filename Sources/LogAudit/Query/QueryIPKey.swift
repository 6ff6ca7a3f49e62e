#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index key of an IP address as the partition writer stores it in `<name>#ip` rows: the 16
/// bytes of the address (IPv4 mapped to ::ffff:a.b.c.d) as 32 lowercase hex digits, so a CIDR
/// block is one key range. The text must be the address alone: no spaces, no zone, no port.
enum QueryIPKey {
    static func bytes(_ text: String) -> [UInt8]? {
        guard let first = text.utf8.first, text.utf8.count <= 45 else { return nil }
        let isHexStart = (first >= 0x30 && first <= 0x39) || first == 0x3A
            || (first >= 0x61 && first <= 0x66) || (first >= 0x41 && first <= 0x46)
        guard isHexStart else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        if text.utf8.contains(UInt8(ascii: ":")) {
            return inet_pton(AF_INET6, text, &bytes) == 1 ? bytes : nil
        }
        var v4 = [UInt8](repeating: 0, count: 4)
        guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
        bytes[10] = 0xFF
        bytes[11] = 0xFF
        bytes.replaceSubrange(12..<16, with: v4)
        return bytes
    }

    static func key(_ text: String) -> String? { bytes(text).map(hex) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether the text is written as IPv4 (so a CIDR prefix counts from bit 96 of the key).
    static func isV4Text(_ text: String) -> Bool { !text.utf8.contains(UInt8(ascii: ":")) }
}
