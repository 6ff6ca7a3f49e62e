/// A column of event times in seq order as zigzag varint differences (times mostly rise).
enum TimeColumnCodec {
    static func encode(_ times: [Int64]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(times.count * 3)
        var previous: Int64 = 0
        for time in times {
            Varint.put(signed: time &- previous, into: &out)
            previous = time
        }
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> [Int64] {
        var reader = ByteReader(bytes)
        var out: [Int64] = []
        out.reserveCapacity(bytes.count) // at least one byte per time
        var previous: Int64 = 0
        while !reader.isAtEnd {
            previous = previous &+ (try reader.signed())
            out.append(previous)
        }
        return out
    }
}
