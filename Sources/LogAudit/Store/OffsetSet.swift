/// A set of event positions inside one bucket (0 ..< `PartitionSchema.bucketSize`) as a bitmap:
/// what the index answers for a query term, combined with AND, OR and NOT in a few microseconds.
struct OffsetSet: Sendable, Equatable {
    static let capacity = Int(PartitionSchema.bucketSize)
    private static let wordCount = capacity / 64

    private(set) var words: [UInt64]

    init() { words = [UInt64](repeating: 0, count: Self.wordCount) }

    /// Positions 0 ..< count.
    init(first count: Int) {
        self.init()
        let whole = count / 64
        for i in 0..<whole { words[i] = .max }
        if count % 64 != 0 { words[whole] = (1 << UInt64(count % 64)) - 1 }
    }

    init(_ offsets: some Sequence<Int>) {
        self.init()
        for offset in offsets { insert(offset) }
    }

    mutating func insert(_ offset: Int) {
        words[offset >> 6] |= 1 << UInt64(offset & 63)
    }

    func contains(_ offset: Int) -> Bool {
        words[offset >> 6] & (1 << UInt64(offset & 63)) != 0
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
    var isEmpty: Bool { !words.contains { $0 != 0 } }

    mutating func formIntersection(_ other: OffsetSet) {
        for i in words.indices { words[i] &= other.words[i] }
    }

    mutating func formUnion(_ other: OffsetSet) {
        for i in words.indices { words[i] |= other.words[i] }
    }

    mutating func subtract(_ other: OffsetSet) {
        for i in words.indices { words[i] &= ~other.words[i] }
    }

    func intersectionCount(_ other: OffsetSet) -> Int {
        var total = 0
        for i in words.indices { total += (words[i] & other.words[i]).nonzeroBitCount }
        return total
    }

    /// Calls `body` with each position from the highest down (newest first) until it returns false.
    func forEachDescending(_ body: (Int) throws -> Bool) rethrows {
        var i = words.count - 1
        while i >= 0 {
            var word = words[i]
            while word != 0 {
                let bit = 63 - word.leadingZeroBitCount
                if try !body(i * 64 + bit) { return }
                word &= ~(1 << UInt64(bit))
            }
            i -= 1
        }
    }
}

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
