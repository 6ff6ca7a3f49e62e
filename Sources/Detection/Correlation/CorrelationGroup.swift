/// A correlation firing: how many events (or values, or rules) were in the window, and its bounds.
struct CorrelationFiring: Sendable, Equatable {
    var count: Int
    var start: Int64
    var end: Int64
}

/// The state of one group (one `group-by` value combination) of one correlation rule.
///
/// Every check looks for a window of length `span` that contains the arriving event, so the result
/// depends on event times, not on the order events arrived in. A window that fires is consumed:
/// its events do not count towards the next firing, so a long attack yields one match per
/// threshold crossed rather than one per event.
struct CorrelationGroup: Sendable {
    /// Latest event time seen in the group, for eviction.
    var newest: Int64
    var times = SortedTimes()
    var values: [String: SortedTimes] = [:]
    var valueEntries = 0
    var slots: [SortedTimes] = []

    init(newest: Int64, slots: Int) {
        self.newest = newest
        self.slots = Array(repeating: SortedTimes(), count: slots)
    }

    var entries: Int { times.count + valueEntries + slots.reduce(0) { $0 + $1.count } }

    // MARK: event_count

    mutating func eventCount(_ t: Int64, span: Int64, condition: CountCondition, cap: Int) -> CorrelationFiring? {
        times.insert(t)
        times.cap(cap)
        // Candidate windows [e - span, e] for each distinct time e in [t, t + span].
        var j = times.lowerBound(t)
        while j < times.count, times[j] <= t + span {
            let e = times[j]
            let lo = times.lowerBound(e - span)
            let n = times.upperBound(e) - lo
            if condition.holds(n) {
                let start = times[lo]
                times.remove(from: start, to: e)
                return CorrelationFiring(count: n, start: start, end: e)
            }
            j = times.upperBound(e)
        }
        return nil
    }

    // MARK: value_count

    mutating func valueCount(_ t: Int64, value: String, span: Int64, condition: CountCondition, cap: Int) -> CorrelationFiring? {
        values[value, default: SortedTimes()].insert(t)
        valueEntries += 1
        while valueEntries > cap, let oldest = values.min(by: { ($0.value[0]) < ($1.value[0]) })?.key {
            values[oldest]!.cap(values[oldest]!.count - 1)
            if values[oldest]!.isEmpty { values[oldest] = nil }
            valueEntries -= 1
        }
        var ends: [Int64] = [t]
        for (_, list) in values {
            var i = list.upperBound(t)
            while i < list.count, list[i] <= t + span {
                ends.append(list[i])
                i += 1
            }
        }
        if ends.count > 1 { ends = Array(Set(ends)).sorted() }
        for e in ends {
            var distinct = 0
            var start = e
            for (_, list) in values {
                if let first = list.first(atOrAfter: e - span), first <= e {
                    distinct += 1
                    start = min(start, first)
                }
            }
            if condition.holds(distinct) {
                for key in Array(values.keys) {
                    let before = values[key]!.count
                    values[key]!.remove(from: e - span, to: e)
                    valueEntries -= before - values[key]!.count
                    if values[key]!.isEmpty { values[key] = nil }
                }
                return CorrelationFiring(count: distinct, start: start, end: e)
            }
        }
        return nil
    }

    // MARK: temporal, temporal_ordered

    mutating func temporal(_ t: Int64, slot: Int, span: Int64, condition: CountCondition, ordered: Bool, cap: Int) -> CorrelationFiring? {
        slots[slot].insert(t)
        slots[slot].cap(cap)
        if ordered {
            let first = slots[0]
            var i = first.lowerBound(t - span)
            while i < first.count, first[i] <= t {
                let a = first[i]
                var current = a
                var complete = true
                for k in 1..<slots.count {
                    guard let next = slots[k].first(atOrAfter: current), next <= a + span else {
                        complete = false
                        break
                    }
                    current = next
                }
                if complete {
                    clearSlots()
                    return CorrelationFiring(count: slots.count, start: a, end: current)
                }
                i += 1
            }
            return nil
        }
        var starts: [Int64] = []
        for list in slots {
            var i = list.lowerBound(t - span)
            while i < list.count, list[i] <= t {
                starts.append(list[i])
                i += 1
            }
        }
        for a in Set(starts).sorted() {
            var n = 0
            var end = a
            for list in slots {
                let i = list.upperBound(a + span) - 1
                if i >= 0, list[i] >= a {
                    n += 1
                    end = max(end, list[i])
                }
            }
            if condition.holds(n) {
                clearSlots()
                return CorrelationFiring(count: n, start: a, end: end)
            }
        }
        return nil
    }

    private mutating func clearSlots() {
        for i in slots.indices { slots[i] = SortedTimes() }
    }

    // MARK: expiry

    /// Drops what no window of an acceptable event can reach any more.
    mutating func prune(before horizon: Int64) {
        times.drop(before: horizon)
        for i in slots.indices { slots[i].drop(before: horizon) }
        if !values.isEmpty {
            for key in Array(values.keys) {
                valueEntries -= values[key]!.drop(before: horizon)
                if values[key]!.isEmpty { values[key] = nil }
            }
        }
    }
}
