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
        if text.utf8.contains(UInt8(ascii: ":")) {
            var bytes = [UInt8](repeating: 0, count: 16)
            return inet_pton(AF_INET6, text, &bytes) == 1 ? bytes : nil
        }
        // IPv4 by hand: this runs for every field value at ingest, most of them not addresses.
        guard let v4 = ipv4(text) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes[10] = 0xFF
        bytes[11] = 0xFF
        bytes.replaceSubrange(12..<16, with: v4)
        return bytes
    }

    /// Dotted-quad IPv4 exactly as inet_pton(AF_INET) takes it: four decimal parts 0–255, no
    /// leading zeros, nothing else.
    static func ipv4(_ text: String) -> [UInt8]? {
        var parts: [UInt8] = []
        parts.reserveCapacity(4)
        var value = 0, digits = 0
        for byte in text.utf8 {
            if ByteClass.isDigit(byte) {
                if digits > 0 && value == 0 { return nil }
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                guard value <= 255 else { return nil }
            } else if byte == UInt8(ascii: "."), digits > 0, parts.count < 3 {
                parts.append(UInt8(value))
                value = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, parts.count == 3 else { return nil }
        parts.append(UInt8(value))
        return parts
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
