import AnyunCore
import Foundation

/// Counts over time as an inline `<svg>` bar chart, laid out here as plain numbers so the
/// page needs no script: each bar carries its own tooltip (`<title>`) and, optionally, a link
/// that narrows a search to its bucket. Axis labels are in the centre's time (Beijing time).
struct SvgHistogram {
    struct Bar {
        let x: String
        let y: String
        let width: String
        let height: String
        /// The whole column above the bar, so a short bar is still easy to point at.
        let hitX: String
        let hitWidth: String
        let tip: String
        let href: String
        let linked: Bool
    }

    struct Tick {
        let x: String
        let label: String
        /// `start` / `middle` / `end`: labels at the edges stay inside the picture.
        let anchor: String
    }

    struct GridLine {
        let y: String
        let labelY: String
        let label: String
    }

    let viewWidth: Int
    let viewHeight: Int
    let plotLeft: String
    let plotRight: String
    let plotTop: String
    let baseline: String
    let plotHeight: String
    let tickY: String
    let labelX: String
    let bars: [Bar]
    let ticks: [Tick]
    let grid: [GridLine]
    /// Read by screen readers: what the chart counts and over which period.
    let caption: String
    let total: Int
    let isEmpty: Bool

    /// A full-width chart; a chart in a half-width panel passes a smaller width so its labels
    /// keep their size when the picture is scaled to the panel.
    static let fullWidth = 960.0, halfWidth = 560.0
    static let height = 190.0
    static let left = 52.0, right = 14.0, top = 10.0, bottom = 26.0

    /// - Parameters:
    ///   - buckets: counts by bucket start (microseconds), any order; empty buckets may be left out.
    ///   - from, to: the period the x axis spans (microseconds).
    ///   - bucket: bucket width in microseconds.
    ///   - link: the page a bar leads to, given its bucket's first and last microsecond.
    static func make(buckets: [(start: Int64, count: Int)], from: Int64, to: Int64, bucket: Int64, time: TimeText,
                     caption: String, noun: String = "条", width: Double = fullWidth,
                     link: ((Int64, Int64) -> String)? = nil) -> SvgHistogram {
        let span = Double(max(to - from, 1))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ t: Int64) -> Double { left + min(max(Double(t - from) / span, 0), 1) * plotWidth }

        let shown = buckets.filter { $0.count > 0 && $0.start + bucket > from && $0.start <= to }
        let highest = shown.map(\.count).max() ?? 0
        let step = niceStep(Double(highest) / 4)
        let yMax = max(step * (Double(highest) / step).rounded(.up), step)

        let bars = shown.sorted { $0.start < $1.start }.map { b -> Bar in
            let x0 = x(max(b.start, from)), x1 = x(min(b.start + bucket, to))
            let slot = max(x1 - x0, 1)
            let gap = slot >= 4 ? min(2, slot * 0.2) : 0
            let h = max(Double(b.count) / yMax * plotHeight, 1.5)
            let last = b.start + bucket - 1
            return Bar(x: f(x0 + gap / 2), y: f(top + plotHeight - h), width: f(max(slot - gap, 1)), height: f(h),
                       hitX: f(x0), hitWidth: f(slot),
                       tip: "\(rangeText(b.start, bucket: bucket, time: time))：\(b.count) \(noun)",
                       href: link?(b.start, last) ?? "", linked: link != nil)
        }

        var grid: [GridLine] = []
        var value = step
        while value <= yMax + 0.5 {
            let y = top + plotHeight - value / yMax * plotHeight
            grid.append(GridLine(y: f(y), labelY: f(y + 4), label: String(Int(value))))
            value += step
        }

        let tickStep = tickStep(span: to - from, maxTicks: width < fullWidth ? 6 : 8)
        let offset = Int64(time.utcOffsetSeconds) * 1_000_000
        var t = ((from + offset + tickStep - 1) / tickStep) * tickStep - offset
        var ticks: [Tick] = []
        while t <= to {
            let at = x(t)
            let anchor = at < left + 24 ? "start" : at > width - right - 24 ? "end" : "middle"
            ticks.append(Tick(x: f(at), label: tickLabel(t, step: tickStep, span: to - from, time: time), anchor: anchor))
            t += tickStep
        }

        return SvgHistogram(viewWidth: Int(width), viewHeight: Int(height), plotLeft: f(left), plotRight: f(width - right),
                            plotTop: f(top), baseline: f(top + plotHeight), plotHeight: f(plotHeight), tickY: f(height - 8), labelX: f(left - 6),
                            bars: bars, ticks: ticks, grid: grid, caption: caption,
                            total: shown.reduce(0) { $0 + $1.count }, isEmpty: shown.isEmpty)
    }

    /// 1, 2 or 5 times a power of ten, at least `raw` and at least 1: whole-number gridlines.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 1 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    /// A bucket width that gives at most `maxBuckets` bars over the span, from widths people read easily.
    static func bucketWidth(span: Int64, maxBuckets: Int = 90) -> Int64 {
        let seconds: [Int64] = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
        for s in seconds where span / (s * 1_000_000) <= Int64(maxBuckets) { return s * 1_000_000 }
        let day: Int64 = 86_400_000_000
        return (span / Int64(maxBuckets) / day + 1) * day
    }

    static func tickStep(span: Int64, maxTicks: Int64 = 8) -> Int64 {
        let seconds: [Int64] = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172_800,
                                604_800, 1_209_600, 2_592_000]
        for s in seconds where span / (s * 1_000_000) <= maxTicks { return s * 1_000_000 }
        return 2_592_000_000_000
    }

    private static let day: Int64 = 86_400_000_000

    /// `09:30`, `03-01 09:30` or `03-01`, whichever says enough for the axis.
    static func tickLabel(_ t: Int64, step: Int64, span: Int64, time: TimeText) -> String {
        let text = time.text(LogEvent.date(t))  // 2026-03-01 09:30:05
        let monthDay = String(text.dropFirst(5).prefix(5)), clock = String(text.dropFirst(11).prefix(5))
        if step < 60_000_000 { return String(text.dropFirst(11)) }
        if step >= day { return monthDay }
        if span > day { return clock == "00:00" ? monthDay : "\(monthDay) \(clock)" }
        return clock
    }

    /// The bucket as a half-open period, `2026-03-01 09:30 – 09:35`.
    static func rangeText(_ first: Int64, bucket: Int64, time: TimeText) -> String {
        let start = time.text(LogEvent.date(first)), end = time.text(LogEvent.date(first + bucket))
        let seconds = bucket < 60_000_000
        let a = seconds ? start : String(start.dropLast(3))
        let b = seconds ? end : String(end.dropLast(3))
        // Same day: the end needs only its time.
        return start.prefix(10) == end.prefix(10) ? "\(a) – \(b.dropFirst(11))" : "\(a) – \(b)"
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
