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

    /// The positions whose time (times in position order) passes `test`.
    init(times: [Int64], where test: (Int64) -> Bool) {
        self.init()
        for (position, time) in times.enumerated() where test(time) { insert(position) }
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
