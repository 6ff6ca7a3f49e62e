import AnyunCore
import Foundation
import LogAudit

/// `anyun-bench logs-search --dir DIR [--runs 30] [--hours 24] [--max-seconds 60] [--case TEXT]`.
///
/// Times what an analyst does over the last day of a filled store, through the query language
/// (`LogSearch`, as the API and console compile it) and the store's search, count and top-values
/// calls: an exact field lookup, full-text terms, a broad phrase, count-by on a decoded field and
/// on a header column, and the plain count a dashboard shows. Each case runs once to warm the
/// cache, then `runs` times (fewer if it passes `max-seconds`); values rotate so consecutive runs
/// do not ask the same thing.
struct LogStoreSearch {
    var directory: URL?
    var runs = 30
    var hours = 24.0
    var maxSeconds = 60.0
    /// Only the cases whose name contains this text (e.g. `src_ip`, `full-text`, `count-by`).
    var only: String?
    /// Full-text queries for the `<term>` case instead of the built-in list (`--term` repeats).
    var terms: [String] = []

    init(parsing arguments: [String]) throws {
        var flags = SyslogFlags(arguments)
        while let flag = try flags.nextFlag() {
            switch flag {
            case "--dir": directory = URL(fileURLWithPath: try flags.text(flag))
            case "--runs": runs = try flags.int(flag, in: 1...100_000)
            case "--hours": hours = try flags.double(flag, in: 0.001...24 * 366)
            case "--max-seconds": maxSeconds = try flags.double(flag, in: 0.1...86_400)
            case "--case": only = try flags.text(flag)
            case "--term": terms.append(try flags.text(flag))
            default: throw BenchOptions.UsageError("logs-search: unknown option \(flag)")
            }
        }
        guard directory != nil else { throw BenchOptions.UsageError("logs-search needs --dir") }
        if terms.isEmpty { terms = Self.defaultTerms }
    }

    /// One kind of query: `run(i)` asks the i-th variant and returns how many events matched,
    /// and whether that is exact (a search stops counting once its page is full and the total
    /// is large; the table marks such averages with ≥).
    struct Case {
        var name: String
        var run: (Int) async throws -> (count: Int, exact: Bool)
    }

    func run() async throws {
        guard let directory else { return }
        let store = try LogStoreSuite.open(directory)
        // The window ends at the newest stored event, so a store filled a while ago still has a full day.
        let everything = EventFilter(from: 0, to: Int64.max, units: .any)
        let newest = try await store.search(everything, page: PageRequest(limit: 1))
        guard let last = newest.items.first?.event.time else {
            throw BenchOptions.UsageError("logs-search: no events in \(directory.path); run logs-fill first")
        }
        let window = (from: last - Int64(hours * 3_600_000_000), to: last)
        func filter(_ query: String = "") throws -> EventFilter {
            try LogSearch.filter(query: query, from: window.from, to: window.to, units: .any, names: StaticQueryNames())
        }
        let stored = try await store.count(everything)
        let inWindow = try await store.count(try filter())
        LogStoreSuite.say("logs-search: \(LogStoreFormat.grouped(stored)) events stored, \(LogStoreFormat.grouped(inWindow)) in the last "
              + "\(hours) h; \(runs) runs per case after one warm-up, page of 50 newest first")

        let sample = Self.sampleValues()
        let page = PageRequest(limit: 50)
        let cases = [
            Case(name: "field      src_ip:<ip>") { i in
                Self.matched(try await store.search(try filter("src_ip:\(sample.ips[i % sample.ips.count])"), page: page))
            },
            Case(name: "field      user:<user>") { i in
                Self.matched(try await store.search(try filter("user:\(sample.users[i % sample.users.count])"), page: page))
            },
            Case(name: "full-text  <term>") { i in
                Self.matched(try await store.search(try filter(terms[i % terms.count]), page: page))
            },
            Case(name: "full-text  \"Failed password\"") { _ in
                Self.matched(try await store.search(try filter("\"Failed password\""), page: page))
            },
            Case(name: "count-by   top 10 user") { _ in
                (try await store.topValues(of: "user", try filter(), limit: 10).reduce(0) { $0 + $1.count }, true)
            },
            Case(name: "count-by   top 10 host") { _ in
                (try await store.topValues(of: "host", try filter(), limit: 10).reduce(0) { $0 + $1.count }, true)
            },
            Case(name: "count      all in window") { _ in (try await store.count(try filter()), true) },
            // What the search page draws above every result list: 60 bars over the window.
            Case(name: "histogram  all, 60 bars") { _ in
                let f = try filter()
                return (try await store.histogram(f, bucketMicroseconds: (f.to - f.from) / 60).reduce(0) { $0 + $1.count }, true)
            },
            Case(name: "histogram  src_ip:<ip>, 60 bars") { i in
                let f = try filter("src_ip:\(sample.ips[i % sample.ips.count])")
                return (try await store.histogram(f, bucketMicroseconds: (f.to - f.from) / 60).reduce(0) { $0 + $1.count }, true)
            },
        ]

        LogStoreSuite.say("query                                runs   matched (avg)     p50 ms     p95 ms")
        for query in cases where only.map(query.name.contains) ?? true {
            _ = try await query.run(runs)
            let watch = ContinuousClock()
            let began = watch.now
            var times: [Double] = []
            var matched = 0
            var exact = true
            for i in 0..<runs {
                let start = watch.now
                let result = try await query.run(i)
                matched += result.count
                exact = exact && result.exact
                times.append(SyslogSender.seconds(start.duration(to: watch.now)) * 1000)
                if i >= 2 && SyslogSender.seconds(began.duration(to: watch.now)) > maxSeconds { break }
            }
            times.sort()
            let average = (exact ? "" : "≥") + LogStoreFormat.grouped(matched / times.count)
            LogStoreSuite.say(query.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%5d ", times.count) + String(repeating: " ", count: max(0, 15 - average.count)) + average
                  + String(format: " %10.1f %10.1f", Self.percentile(times, 0.50), Self.percentile(times, 0.95)))
        }
    }

    static func matched(_ page: EventPage) -> (count: Int, exact: Bool) { (page.total, page.totalIsExact) }

    /// Full-text searches an analyst types (query language: phrases in quotes), rare to common.
    static let defaultTerms = [
        "\"wp-login.php\"", "\"invalid user oracle\"", "\"COMMAND=/bin/cat /etc/shadow\"", "libinjection", "\"DPT=3389\"",
        "\"session opened for user ops07\"", "sqlmap", "\"incorrect password attempts\"",
    ]

    /// Addresses and user names drawn the way the filler drew them, so most of them occur in the
    /// store with realistic (skewed) frequencies.
    static func sampleValues() -> (ips: [String], users: [String]) {
        var generator = SyslogSynthetic(seed: 0x5EA7C4)
        var ips: [String] = []
        var users: [String] = []
        while ips.count < 64 || users.count < 64 {
            let log = generator.next(time: 0)
            if let ip = log.fields["src_ip"], ips.count < 64 { ips.append(ip) }
            if let user = log.fields["user"], users.count < 64 { users.append(user) }
        }
        return (ips, users)
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
    }
}
