#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address in canonical text form, so "10.0.0.01"-style spellings and
/// "::FFFF:a01" cannot slip past a uniqueness check as different strings.
public struct IPAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    public let text: String
    public let isV6: Bool
    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public init?(_ raw: String) {
        let trimmed = raw.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 45, !trimmed.contains("\0") else { return nil }
        if let (v4, b) = Self.canonical(trimmed, family: AF_INET, size: 4) {
            text = v4
            bytes = b
            isV6 = false
        } else if let (v6, b) = Self.canonical(trimmed, family: AF_INET6, size: 16) {
            text = v6
            bytes = b
            isV6 = true
        } else {
            return nil
        }
    }

    private static func canonical(_ s: String, family: Int32, size: Int) -> (String, [UInt8])? {
        var bytes = [UInt8](repeating: 0, count: size)
        guard inet_pton(family, s, &bytes) == 1 else { return nil }
        var out = [CChar](repeating: 0, count: 64)
        guard inet_ntop(family, bytes, &out, socklen_t(out.count)) != nil else { return nil }
        return (String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), bytes)
    }

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let ip = IPAddress(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "不是合法的 IP 地址 (invalid IP address): \(raw)"))
        }
        self = ip
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}
