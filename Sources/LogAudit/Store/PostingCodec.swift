/// Posting lists on disk: ascending bucket positions as varint gaps (first one from zero).
enum PostingCodec {
    static func encode(_ offsets: [UInt16]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(offsets.count + 4)
        var previous = -1
        for offset in offsets {
            Varint.put(UInt64(Int(offset) - previous - 1), into: &out)
            previous = Int(offset)
        }
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, into set: inout OffsetSet) throws {
        var reader = ByteReader(bytes)
        var previous = -1
        while !reader.isAtEnd {
            let gap = try reader.varint()
            guard gap < UInt64(OffsetSet.capacity) else { throw ByteReader.Malformed() }
            previous += Int(gap) + 1
            guard previous < OffsetSet.capacity else { throw ByteReader.Malformed() }
            set.insert(previous)
        }
    }
}
