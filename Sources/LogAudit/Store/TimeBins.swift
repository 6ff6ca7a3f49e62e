/// Counts of event times per fixed-width bin, starting at multiples of the width (the histogram
/// of a search). Bins of the window live in an array — a day's histogram adds millions of times —
/// and a time outside it (a window without bounds) in a dictionary.
struct TimeBins {
    private let width: Int64
    private let first: Int64
    private var counts: [Int]
    private var outside: [Int64: Int] = [:]

    /// At most this many bins in the array; a finer histogram of a long window goes to the dictionary.
    static let maxArrayBins: Int64 = 100_000

    init(from: Int64, to: Int64, width: Int64) {
        self.width = width
        first = Self.floor(from, width)
        let (difference, overflow) = to.subtractingReportingOverflow(first)
        let span = overflow || difference < 0 ? 0 : difference / width + 1
        counts = [Int](repeating: 0, count: Int(span <= Self.maxArrayBins ? span : 0))
    }

    mutating func add(_ time: Int64, count: Int = 1) {
        let index = time >= first ? (time - first) / width : -1
        if index >= 0, index < Int64(counts.count) {
            counts[Int(index)] += count
        } else {
            outside[Self.floor(time, width), default: 0] += count
        }
    }

    /// Whether two times fall in the same bin: a bucket whose events all do is counted without
    /// reading its times (over months, nearly every bucket).
    func sameBin(_ a: Int64, _ b: Int64) -> Bool { Self.floor(a, width) == Self.floor(b, width) }

    /// The non-empty bins in time order.
    var buckets: [TimeBucket] {
        var all = outside
        for (index, count) in counts.enumerated() where count > 0 { all[first + Int64(index) * width, default: 0] += count }
        return all.map { TimeBucket(start: $0.key, count: $0.value) }.sorted { $0.start < $1.start }
    }

    static func floor(_ time: Int64, _ width: Int64) -> Int64 {
        let quotient = time / width
        return (time % width < 0 ? quotient - 1 : quotient) * width
    }
}
