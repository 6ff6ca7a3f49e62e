#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 network for the `cidr` modifier. IPv4-mapped IPv6 addresses
/// (`::ffff:10.1.2.3`) count as their IPv4 address, since dual-stack sockets log them that way.
struct CIDRBlock: Sendable, Equatable {
    let network: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddressBytes.parse(String(parts[0])) else { return nil }
        let maxPrefix = address.count * 8
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...maxPrefix).contains(p) else { return nil }
            prefix = p
        }
        self.prefix = prefix
        network = IPAddressBytes.masked(address, prefix: prefix)
    }

    func contains(_ text: String) -> Bool {
        guard let address = IPAddressBytes.parse(text), address.count == network.count else { return false }
        var bits = prefix
        var i = 0
        while bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address[i] & mask != network[i] { return false }
            bits -= 8
            i += 1
        }
        return true
    }
}

enum IPAddressBytes {
    /// 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6, nil when not an address.
    static func parse(_ text: String) -> [UInt8]? {
        if let v4 = parseIPv4(text) { return v4 }
        guard text.contains(":") else { return nil }
        // Drop a zone (`fe80::1%eth0`): it names an interface, not part of the address.
        let bare = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        var storage = in6_addr()
        let ok = bare.withCString { inet_pton(AF_INET6, $0, &storage) } == 1
        guard ok else { return nil }
        let bytes = withUnsafeBytes(of: &storage) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12..<16])
        }
        return bytes
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(4)
        var current = 0
        var digits = 0
        for b in text.utf8 {
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                current = current * 10 + Int(b - UInt8(ascii: "0"))
                digits += 1
                if digits > 3 || current > 255 { return nil }
            } else if b == UInt8(ascii: ".") {
                guard digits > 0, out.count < 3 else { return nil }
                out.append(UInt8(current))
                current = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, out.count == 3 else { return nil }
        out.append(UInt8(current))
        return out
    }

    static func masked(_ address: [UInt8], prefix: Int) -> [UInt8] {
        var out = address
        var bits = prefix
        for i in 0..<out.count {
            if bits >= 8 {
                bits -= 8
            } else if bits > 0 {
                out[i] &= UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                bits = 0
            } else {
                out[i] = 0
            }
        }
        return out
    }
}
