import Foundation

/// Reading a Sigma string value: `*` and `?` are wildcards, `\*`, `\?` and `\\` are the literal
/// characters, and a backslash before anything else is itself a literal backslash (so Windows paths
/// need no doubling), as the Sigma specification says.
enum SigmaString {
    static func pieces(_ text: String, windash: Bool = false) -> [PatternPiece] {
        var out: [PatternPiece] = []
        out.reserveCapacity(text.utf8.count)
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\\"):
                if i + 1 < bytes.count, [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "\\")].contains(bytes[i + 1]) {
                    out.append(.byte(bytes[i + 1]))
                    i += 2
                    continue
                }
                out.append(.byte(b))
            case UInt8(ascii: "*"):
                out.append(.star)
            case UInt8(ascii: "?"):
                out.append(.one)
            case UInt8(ascii: "-"), UInt8(ascii: "/"):
                out.append(windash ? .dash : .byte(b))
            case 0xE2 where windash && i + 2 < bytes.count && bytes[i + 1] == 0x80 && (0x93...0x95).contains(bytes[i + 2]):
                out.append(.dash)
                i += 3
                continue
            default:
                out.append(.byte(b))
            }
            i += 1
        }
        return out
    }

    /// The value with escapes resolved, or nil when it holds a wildcard (which cannot be encoded).
    static func literal(_ text: String) -> String? {
        var bytes: [UInt8] = []
        for piece in pieces(text) {
            guard case .byte(let b) = piece else { return nil }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Escapes a literal so that it reads back unchanged (used for encoded values).
    static func escaped(_ literal: String) -> String {
        var out = ""
        for ch in literal {
            if ch == "*" || ch == "?" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// `base64`: the whole value encoded.
    static func base64(_ literal: String) -> String {
        Data(literal.utf8).base64EncodedString()
    }

    /// `base64offset`: the three encodings of the value at byte offsets 0, 1 and 2 of the
    /// enclosing data, cut to the characters that do not depend on the neighbouring bytes.
    static func base64Offsets(_ literal: String) -> [String] {
        let value = Array(literal.utf8)
        let startCut = [0, 2, 3]
        let endCut = [0, 3, 2]  // characters to drop at the end, by (count + offset) % 3
        var out: [String] = []
        for offset in 0..<3 {
            let encoded = Array(Data(Array(repeating: UInt8(ascii: " "), count: offset) + value).base64EncodedString().utf8)
            let drop = endCut[(value.count + offset) % 3]
            let end = encoded.count - drop
            let start = startCut[offset]
            guard end > start else { continue }
            out.append(String(decoding: encoded[start..<end], as: UTF8.self))
        }
        return out
    }
}
