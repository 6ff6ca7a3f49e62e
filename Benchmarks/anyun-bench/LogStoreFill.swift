import AnyunCore
import Foundation
import LogAudit

/// `anyun-bench logs-fill --dir DIR --events N [--days 1] [--batch 10000]`.
///
/// Appends N events spread evenly over the last `days` days, in time order, in batches the way
/// the ingest writer commits them (each batch one durable transaction). The next batch is drawn
/// while the store writes the current one, so the rate printed is the store's, not the generator's.
struct LogStoreFill {
    var directory: URL?
    var events = 1_000_000
    var days = 1.0
    var batch = 10_000

    init(parsing arguments: [String]) throws {
        var flags = SyslogFlags(arguments)
        while let flag = try flags.nextFlag() {
            switch flag {
            case "--dir": directory = URL(fileURLWithPath: try flags.text(flag))
            case "--events": events = try flags.int(flag, in: 1...1_000_000_000)
            case "--days": days = try flags.double(flag, in: 0.001...366)
            case "--batch": batch = try flags.int(flag, in: 1...1_000_000)
            default: throw BenchOptions.UsageError("logs-fill: unknown option \(flag)")
            }
        }
        guard directory != nil else { throw BenchOptions.UsageError("logs-fill needs --dir") }
    }

    func run() async throws {
        guard let directory else { return }
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: directory.path), !existing.isEmpty {
            // Appending older events after newer ones would hit sealed days: start from nothing.
            throw BenchOptions.UsageError("logs-fill: \(directory.path) is not empty; give a new or empty directory")
        }
        let end = LogEvent.microseconds(Date())
        let span = Int64(days * 86_400 * 1_000_000)
        let start = end - span
        let clock = LogStoreSimulatedClock(start)
        let store = try LogStoreSuite.open(directory, now: { clock.now })
        LogStoreSuite.say("logs-fill: \(events) events over the last \(days) day(s) into \(directory.path), batches of \(batch)")

        var generator = SyslogSynthetic()
        func draw(_ first: Int) -> [LogEvent] {
            (first..<min(events, first + batch)).map { i in
                let time = start + span * Int64(i) / Int64(events)
                return LogStoreSuite.event(generator.next(time: time), time: time, received: time + 40_000)
            }
        }

        let watch = ContinuousClock()
        let began = watch.now
        var lastReport = began
        var writtenAtLastReport = 0
        var written = 0
        var next = draw(0)
        while !next.isEmpty {
            let current = next
            clock.set(current[current.count - 1].received)
            async let receipt = store.append(current)
            next = draw(written + current.count)
            _ = try await receipt
            written += current.count
            if watch.now - lastReport >= .seconds(5) || next.isEmpty {
                // The rate of the last interval too: it falls as the indexes outgrow the cache.
                let now = watch.now
                let recent = Double(written - writtenAtLastReport) / SyslogSender.seconds(lastReport.duration(to: now))
                let overall = Double(written) / SyslogSender.seconds(began.duration(to: now))
                FileHandle.standardError.write(Data(("  \(LogStoreFormat.grouped(written)) / \(LogStoreFormat.grouped(events)) events, "
                    + "\(Int(overall)) events/s (last \(Int(recent)))\n").utf8))
                lastReport = now
                writtenAtLastReport = written
            }
        }
        let elapsed = SyslogSender.seconds(began.duration(to: watch.now))
        let open = try LogStoreDiskUsage(directory)
        // The day is over: seal every partition and compress it, as maintenance does at night.
        clock.set(clock.now + 86_400_000_000)
        let compactStart = watch.now
        try await store.sealPartitions(before: PartitionedEventStore.day(of: clock.now))
        let compacted = try await store.compactSealedPartitions()
        let compactSeconds = SyslogSender.seconds(compactStart.duration(to: watch.now))
        try await store.close()
        let closed = try LogStoreDiskUsage(directory)
        LogStoreSuite.say("filled \(events) events in \(String(format: "%.1f", elapsed)) s: \(Int(Double(events) / elapsed)) events/s "
              + "(parse-free append: chain, index, full text; durable per batch)")
        LogStoreSuite.say("on disk while open:  \(open.describe(events: events))")
        LogStoreSuite.say("on disk after sealing and compacting \(compacted.count) day(s) in \(String(format: "%.1f", compactSeconds)) s: "
              + closed.describe(events: events))
    }
}
