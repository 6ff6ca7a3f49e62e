#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sortable index key of an IP address: 32 lowercase hex digits of its 16-byte form, IPv4
/// mapped to ::ffff:a.b.c.d, so that every CIDR block is one contiguous key range.
public enum IPKey {
    public static func hex(_ text: some StringProtocol) -> String? {
        guard let first = text.utf8.first, text.utf8.count <= 45 else { return nil }
        let isHexStart = (first >= 0x30 && first <= 0x39) || first == 0x3A
            || (first >= 0x61 && first <= 0x66) || (first >= 0x41 && first <= 0x46)
        guard isHexStart else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        let parsed: Bool = String(text).withCString { cString in
            if text.contains(":") {
                return inet_pton(AF_INET6, cString, &bytes) == 1
            }
            var v4 = [UInt8](repeating: 0, count: 4)
            guard inet_pton(AF_INET, cString, &v4) == 1 else { return false }
            bytes[10] = 0xFF
            bytes[11] = 0xFF
            bytes[12] = v4[0]; bytes[13] = v4[1]; bytes[14] = v4[2]; bytes[15] = v4[3]
            return true
        }
        return parsed ? hex(bytes: bytes) : nil
    }

    public static func hex(bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
