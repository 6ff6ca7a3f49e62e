/// The sliver of DER that SM2 signatures and ciphertexts need: SEQUENCE, INTEGER and
/// OCTET STRING. Written here rather than pulled in because OpenSSL does not export
/// its SM2 ciphertext (de)serialiser.
enum DER {
    static let sequenceTag: UInt8 = 0x30
    static let integerTag: UInt8 = 0x02
    static let octetStringTag: UInt8 = 0x04

    static func encode(tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [tag]
        let length = content.count
        if length < 0x80 {
            out.append(UInt8(length))
        } else {
            var lengthBytes: [UInt8] = []
            var remaining = length
            while remaining > 0 {
                lengthBytes.insert(UInt8(remaining & 0xFF), at: 0)
                remaining >>= 8
            }
            out.append(0x80 | UInt8(lengthBytes.count))
            out += lengthBytes
        }
        return out + content
    }

    /// An INTEGER holding the non-negative big-endian number `magnitude`.
    static func encodeUnsignedInteger(_ magnitude: [UInt8]) -> [UInt8] {
        var digits = Array(magnitude.drop { $0 == 0 })
        if digits.isEmpty || digits[0] & 0x80 != 0 {
            digits.insert(0, at: 0)
        }
        return encode(tag: integerTag, digits)
    }

    struct Reader {
        private var bytes: ArraySlice<UInt8>
        private let what: String

        init(_ bytes: [UInt8], what: String) {
            self.bytes = bytes[...]
            self.what = what
        }

        private init(slice: ArraySlice<UInt8>, what: String) {
            self.bytes = slice
            self.what = what
        }

        var isAtEnd: Bool { bytes.isEmpty }

        private func fail(_ reason: String) -> AnyunCryptoError {
            AnyunCryptoError(.invalidEncoding, "\(what) is not valid DER: \(reason)")
        }

        /// Reads one element with `tag` and returns its content.
        mutating func read(tag: UInt8, _ field: String) throws -> ArraySlice<UInt8> {
            guard let found = bytes.first else { throw fail("\(field) is missing") }
            guard found == tag else {
                throw fail("\(field) has tag 0x\(String(found, radix: 16)), expected 0x\(String(tag, radix: 16))")
            }
            bytes = bytes.dropFirst()
            guard let first = bytes.first else { throw fail("\(field) has no length") }
            bytes = bytes.dropFirst()
            var length = 0
            if first < 0x80 {
                length = Int(first)
            } else {
                let count = Int(first & 0x7F)
                guard count >= 1, count <= 4, bytes.count >= count else { throw fail("\(field) has a bad length") }
                for byte in bytes.prefix(count) { length = length << 8 | Int(byte) }
                guard length >= 0x80, bytes.first != 0 else { throw fail("\(field) length is not minimally encoded") }
                bytes = bytes.dropFirst(count)
            }
            guard bytes.count >= length else { throw fail("\(field) is truncated") }
            let content = bytes.prefix(length)
            bytes = bytes.dropFirst(length)
            return content
        }

        mutating func readSequence(_ field: String) throws -> Reader {
            Reader(slice: try read(tag: sequenceTag, field), what: what)
        }

        /// Reads a non-negative INTEGER and returns it left-padded to `width` bytes.
        mutating func readUnsignedInteger(width: Int, _ field: String) throws -> [UInt8] {
            let content = try read(tag: integerTag, field)
            guard let first = content.first else { throw fail("\(field) is empty") }
            guard first & 0x80 == 0 else { throw fail("\(field) is negative") }
            let digits = content.drop { $0 == 0 }
            guard digits.count <= width else { throw fail("\(field) is longer than \(width) bytes") }
            return [UInt8](repeating: 0, count: width - digits.count) + digits
        }

        func expectEnd() throws {
            guard bytes.isEmpty else { throw fail("\(bytes.count) trailing bytes") }
        }
    }
}
