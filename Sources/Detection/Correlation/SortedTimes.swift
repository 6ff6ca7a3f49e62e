/// Event times kept in ascending order; arrival is mostly in order, so inserting is usually an
/// append.
struct SortedTimes: Sendable, Equatable {
    private(set) var times: [Int64] = []

    var count: Int { times.count }
    var isEmpty: Bool { times.isEmpty }
    var last: Int64? { times.last }
    subscript(i: Int) -> Int64 { times[i] }

    /// Inserts and returns the index the time took (after any equal times).
    @discardableResult
    mutating func insert(_ t: Int64) -> Int {
        if times.isEmpty || t >= times[times.count - 1] {
            times.append(t)
            return times.count - 1
        }
        let i = upperBound(t)
        times.insert(t, at: i)
        return i
    }

    /// First index whose time is >= t.
    func lowerBound(_ t: Int64) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// First index whose time is > t.
    func upperBound(_ t: Int64) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Number of times in [from, to].
    func count(from: Int64, to: Int64) -> Int {
        max(0, upperBound(to) - lowerBound(from))
    }

    func contains(from: Int64, to: Int64) -> Bool {
        let i = lowerBound(from)
        return i < times.count && times[i] <= to
    }

    /// The first time >= t, if any.
    func first(atOrAfter t: Int64) -> Int64? {
        let i = lowerBound(t)
        return i < times.count ? times[i] : nil
    }

    /// Removes the times in [from, to].
    mutating func remove(from: Int64, to: Int64) {
        let lo = lowerBound(from), hi = upperBound(to)
        if lo < hi { times.removeSubrange(lo..<hi) }
    }

    /// Drops times before `horizon`; returns how many went.
    @discardableResult
    mutating func drop(before horizon: Int64) -> Int {
        let i = lowerBound(horizon)
        if i > 0 { times.removeFirst(i) }
        return i
    }

    /// Keeps at most `limit` times, dropping the oldest.
    @discardableResult
    mutating func cap(_ limit: Int) -> Int {
        let excess = times.count - limit
        if excess > 0 { times.removeFirst(excess) }
        return max(0, excess)
    }
}
