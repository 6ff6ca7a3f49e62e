import AnyunCore
import AnyunCrypto
import Foundation
import XCTest
@testable import LogAudit

/// Runs queries through the store's bucket indexes and checks the answers (count, the events of
/// every page in order, top values, histogram) against `QueryMatcher`, which defines what a query
/// means, evaluated on the events the store gives back. The store answers from different code in
/// each state, so every query is checked in all of them:
/// - open: the bucket's index in memory (`BucketIndexBuilder`);
/// - reopened while the day is open: that index rebuilt from the stored blocks;
/// - sealed: the postings read from SQLite (`StoredBucketTerms`), the next day open in memory;
/// - compacted: the same postings, the events in zstd blocks.
/// Top values and the histogram read only the index, so they are compared in the open and the
/// sealed state (a restart rebuilds the same in-memory structure, compaction copies the postings).
final class IndexQueryCrossCheckTests: XCTestCase {
    /// 2026-11-25 08:00 Beijing time.
    private static let base: Int64 = {
        LogEvent.microseconds(ISO8601DateFormatter().date(from: "2026-11-25T08:00:00+08:00")!)
    }()
    private static let now = base + 4 * hour
    private static let hour: Int64 = 3_600_000_000
    private static let day = Day("2026-11-25")!
    private static let names = StaticQueryNames(
        units: [1: "市公安局", 2: "市卫健委", 3: "市公安局交警支队", 4: "区财政局"],
        systems: [10: "户籍系统", 11: "门户网站", 12: "交通监控", 13: "OA*系统"])
    private static let nasty = "'; DROP TABLE event; --"
    private static let longValue = String(repeating: "u", count: 300)
    private static let histogramWidth: Int64 = 10 * 60_000_000

    private let signer = SM2SealSigner(key: try! SM2PrivateKey.generate())
    private let key = LogChainKey(secret: Array("cross check secret".utf8))
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("indexcheck-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func openStore(_ clock: TestClock) throws -> PartitionedEventStore {
        try PartitionedEventStore(directory: directory, key: key, signer: signer, now: { clock.now })
    }

    // MARK: - queries

    /// The old SQL cross-check's queries, then what the index answers in its own ways.
    private static let queries: [String] = [
        "", "   ", "*",
        "src_ip:10.1.2.3", "source:10.1.2.3", "source:::ffff:10.1.2.3", #"unit:"市公安局""#,
        "app:sshd AND outcome:failure", #""Failed password" NOT user:root"#, "src_ip:10.0.0.0/8", "source:10.0.0.0/8",
        "src_ip:2001:db8::/32", "dst_ip:2001:db8:1::/48", "source:2001:db8::/32", "source:::/0", "user:adm*", "user:?oot",
        "status:[500 TO 599]", "status:>=500", "status:{500 TO 599}", "bytes:<1000", "bytes:[1000 TO 5000]", "severity:<=3",
        "(app:sshd OR app:sudo) AND NOT outcome:success", "app:(sshd OR sudo) -outcome:success",
        "time:[2026-11-25T08:00 TO 2026-11-25T09:00]", "time:>now-15m", "received:>=now-1h", "time:2026-11-25",
        "time:{2026-11-25T09:00 TO 2026-11-25T10:00:30Z}", "time:<2026-11-25T01:00Z OR time:>2026-11-25T11:30",
        "error timeout", #"message:"connection reset""#, "msg:connect*", "host:web-01", "host:10.9.8.7", "-user:root",
        "_exists_:user", "NOT _exists_:user", "user:*", "src_ip:*", "_exists_:severity", "NOT _exists_:unit_id",
        "登录*", "用户admin登录失败", "市公安局", "市公安局交警支队 OR 市公安局", "Déjà", "CAFE", "café crashed",
        "unit:市公安局*", "unit:不存在", "NOT unit:不存在", "system:门户网站 OR unit:区财政局", #"system:OA\*系统"#, "system:OA?系统",
        "transport:t*", "transport:udp", "facility:auth OR facility:[16 TO 23]", "severity:err", "seq:<100", "seq:[100 TO 200}",
        "unit_id:[2 TO 3] AND system_id:12", "host_id:>5", "procid:12*", "procid:[100 TO 500]", "msgid:ID47", "msgid:\\-",
        "sd.origin.ip:192.168.0.0/16", "tag:市公安局*", "decoder:nginx-access", "app:CRON OR app:kernel", "!app:sshd",
        "app:sshd || app:CRON && severity:3", "src_ip:[10.1.0.0 TO 10.1.255.255]", "src_ip:>10.2.0.0", "user:[a TO b}",
        "status:5e2", "status:abc", "status:<0", "status:007", "path:/a_b/100%", "path:*100%", "user:a_b", "user:a?b",
        "user:100%", #"user:"o'brien""#, #"user:o\'brien"#, #"user:x\*y"#, "user:x*y", #"user:x\?y"#, #"user:\[x\]"#,
        #"user:"'; DROP TABLE event; --""#, #""'; DROP TABLE event; --""#, "DROP TABLE", #""NEAR(\"a\" \"b\")""#,
        "NEAR", #""col:val""#, #"message:"AND OR NOT""#, #""- col""#, "done_ok", "star", "用户甲", "user:用户甲", "user:Root",
        "FAILED", "failed password", "fail*", "error -timeout", "(error OR reset) NOT timeout", "NOT (error OR reset)",
        "error OR (app:nginx AND reset)", "-(-error)", "user:\(IndexQueryCrossCheckTests.longValue)", "user:uuu*",
        // Added for the index: wildcards at either end, CIDR blocks, numeric ranges on decoded
        // values and on columns, names, existence, nesting, phrases, prefixes, both time kinds,
        // the columns only the matcher reads, and decoded fields named like header fields.
        "user:*min", "user:*dm*", "user:adm?n", "user:*", "src_ip:10.1.0.0/16", "src_ip:10.1.2.3/32", "src_ip:0.0.0.0/0",
        "src_ip:2001:db8::/120", "dst_ip:2001:db8::/32", "source:192.168.1.0/24", "source:2001:db9::/32",
        "source:[10.0.0.0 TO 10.1.0.0}", "src_ip:<=10.1.5.5", "port:[1000 TO 2000]", "port:>60000", "count:<0",
        "count:[-2 TO 2]", "ratio:[0 TO 1]", "ratio:>1", "user:[40 TO 50]", "user:<0", "severity:[2 TO 5]",
        "severity:>4", "severity:{1 TO 3}", "facility:local0", "facility:<4", #"unit:"市公安局交警支队""#, "unit:*",
        "system:门户*", "system:*系统", "system:?籍系统", "NOT system:*", "_exists_:src_ip", "_exists_:tag",
        "_exists_:procid", "_exists_:msgid", "NOT _exists_:procid", "_exists_:unit", "_exists_:system",
        "_exists_:facility", "_exists_:message", "_exists_:time", "_exists_:received", "_exists_:seq", "_exists_:transport",
        "_exists_:count", "NOT (app:sshd AND (user:root OR user:admin)) OR severity:0",
        "(app:nginx OR (app:sudo AND NOT outcome:denied)) AND NOT (status:[500 TO 599] OR user:root)",
        "NOT (NOT app:sshd OR NOT outcome:failure)", #""connection reset by peer""#, #""session opened""#,
        #""Accepted publickey for root""#, #""数据同步完成""#, "数据*", "uuu*", "trace", "fail* OR reset",
        "time:[2026-11-25T09:00 TO 2026-11-25T10:00}", "time:>now", "time:<2026-11-25", "time:[* TO 2026-11-25T08:30]",
        "received:[2026-11-25T09:00 TO 2026-11-25T10:00]", "received:<now-2h", "received:>now-30m OR \"connection reset\"",
        "NOT received:>=now-1h", "NOT \"connection reset\"", "-procid:*", "procid:123", "procid:12?", "procid:>1200",
        "msgid:login", "msgid:log*", "NOT msgid:ID47", "seq:[5 TO 9]", "seq:>1990", "seq:1", "seq:{1995 TO *]",
        "seq:[5 TO 9] OR user:root", "NOT seq:[100 TO 1900]", "transport:api OR transport:tls", "transport:*",
        #""Failed password" OR procid:[100 TO 200]"#, "host:10.9.8.0/24", "source:10.1.2.3 AND NOT src_ip:10.1.2.3",
        "src_ip:unknown", #"src_ip:" 10.1.2.3""#, #"user:"""#, #"tag:"""#, "tag:x", "host:主机*", "host_id:[3 TO 5] AND NOT unit_id:1",
        "app:nginx AND src_ip:2001:db8::/32 AND NOT dst_ip:*",
    ]

    // MARK: - fixture

    private static let fixture = makeEvents(count: 800)

    private static func makeEvents(count: Int) -> [LogEvent] {
        var rng = SplitMix64(seed: 20261125)
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
        func maybe<T>(_ value: T, _ percent: Int = 85) -> T? { Int.random(in: 0..<100, using: &rng) < percent ? value : nil }
        func number(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        let users = ["root", "admin", "adm1n", "administrator", "sysadmin", "o'brien", "100%", "a_b", "x*y", "x?y", "[x]", nasty,
                     "用户甲", "Root", "", longValue, "oot", "boot", "adn", "adm", "Déjà", "42", "-7", "3.5", "045"]
        let ipv4 = { "10.\(number(0...3)).\(number(0...9)).\(number(1...40))" }
        let sources = { () -> String? in
            switch number(0...9) {
            case 0: return "192.168.1.\(number(1...9))"
            case 1: return "2001:db8::\(String(number(1...300), radix: 16))"
            case 2: return "2001:db9::1"
            case 3: return "::ffff:10.1.2.3"
            case 4: return nil
            default: return ipv4()
            }
        }
        var events: [LogEvent] = []
        for i in 1...count {
            var time = base + Int64(i) * 17_000_000 + Int64(number(0...999_999))
            switch number(0...39) {
            case 0: time = base - Int64(number(1...20)) * hour - Int64(number(0...999_999)) // the day before, late
            case 1: time = now + Int64(number(1...7_200)) * 1_000_000 // a sender's clock ahead
            case 2: time -= Int64(number(0...7_200)) * 1_000_000 // out of order
            default: break
            }
            var received = time + Int64(number(0...2_999_999))
            switch number(0...29) {
            case 0: received = time - Int64(number(1...600)) * 1_000_000
            case 1: received = now - Int64(number(0...10_800)) * 1_000_000
            default: break
            }
            let app = maybe(pick(["sshd", "sudo", "nginx", "CRON", "kernel"]), 92)
            let user = pick(users)
            let ip = pick([ipv4(), ipv4(), "2001:db8::\(number(1...9))", "unknown", " 10.1.2.3", "10.1.2.3"])
            var fields: [String: String] = [:]
            let message: String
            switch app {
            case "sshd":
                let ok = number(0...2) == 0
                fields = ["src_ip": ip, "user": user, "outcome": ok ? "success" : "failure", "port": "\(number(1000...65000))"]
                message = pick([
                    "\(ok ? "Accepted publickey" : "Failed password") for \(user) from \(ip) port 22 ssh2",
                    ok ? "session opened for user \(user) by (uid=0)" : "FAILED PASSWORD FOR ROOT",
                    "error: timeout while connecting to upstream \(ip)",
                ])
            case "nginx":
                let status = pick(["200", "204", "302", "404", "500", "503", "599", "600", "5e2", "-1", "007", "1.5", "abc", "0500"])
                fields = ["src_ip": ip, "status": status, "bytes": "\(number(0...20000))",
                          "path": pick(["/index.php", "/a_b/100%", "/login?next=/", "/用户/登录"])]
                if Bool.random(using: &rng) { fields["dst_ip"] = "2001:db8:\(number(0...2))::\(number(1...9))" }
                // A decoded `host` or `source` next to the header's: both are values of the name.
                if number(0...5) == 0 { fields["host"] = pick(["10.9.8.\(number(1...9))", "web-01", "upstream"]) }
                if number(0...7) == 0 { fields["source"] = pick(["10.1.2.3", "10.200.0.1", "proxy"]) }
                message = pick([
                    "GET /index.php?id=1' OR '1'='1 HTTP/1.1 \(status)",
                    "connection reset by peer",
                    "read error: connection timeout after \(number(1...900))ms",
                    "100% done_ok *star* ?q [x]",
                ])
            case "sudo":
                fields = ["user": user, "action": pick(["exec", "su", "edit"]), "outcome": pick(["success", "failure", "denied"])]
                message = pick([
                    "用户\(pick(["admin", "root", "甲"]))登录失败，原因：密码错误",
                    "市公安局 业务系统 访问异常 错误码 \(number(1...99))",
                    "NEAR(\"a\" \"b\") - col:val AND OR NOT * ^x",
                ])
            default:
                if Bool.random(using: &rng) { fields["sd.origin.ip"] = pick(["192.168.0.\(number(1...9))", "172.16.0.1"]) }
                if Bool.random(using: &rng) { fields["tag"] = pick(["市公安局", "市公安局交警支队", "x", ""]) }
                if Bool.random(using: &rng) { fields["count"] = "\(number(-5...5))" }
                if Bool.random(using: &rng) { fields["ratio"] = pick(["0.5", "1.25", "-0.75", ".5", "1.", "1", "0"]) }
                if number(0...9) == 0 { fields["user"] = user }
                message = pick([
                    "市公安局交警支队 数据同步完成",
                    "Déjà vu: \(pick(["café", "CAFÉ", "cafe"])) \(pick(["restarted", "crashed"]))",
                    nasty,
                    "kernel: eth0 link up",
                    "trace \(longValue) end",
                ])
            }
            events.append(LogEvent(
                time: time, received: received,
                transport: pick(LogTransport.allCases), sourceAddress: sources(),
                facility: maybe(number(0...23), 90), severity: maybe(number(0...7), 90),
                hostname: maybe(pick(["web-01", "web-02", "db-01", "10.9.8.7", "主机甲"]), 90), app: app,
                procID: maybe("\(number(100...1300))", 70), msgID: maybe(pick(["ID47", "-", "login"]), 50),
                message: message, fields: fields, decoder: maybe(pick(["sshd", "nginx-access"]), 60),
                unitID: maybe(Int64(number(1...4)), 90), systemID: maybe(Int64(number(10...13)), 80),
                hostID: maybe(Int64(number(1...9)), 80)))
        }
        return events
    }

    // MARK: - reading and checking

    /// Every stored event, newest first, read through `search` as a client would.
    private func readAll(_ store: PartitionedEventStore) async throws -> [StoredEvent] {
        var out: [StoredEvent] = []
        let filter = EventFilter(from: 0, to: .max, units: .any)
        while true {
            let page = try await store.search(filter, page: PageRequest(offset: out.count, limit: PageRequest.maxLimit))
            out += page.items
            if page.items.count < PageRequest.maxLimit { break }
        }
        return out
    }

    /// Reads the store back and checks it holds exactly what was appended, newest first.
    private func storedEvents(_ store: PartitionedEventStore, appended: [(day: Day, event: LogEvent)], _ state: String,
                              file: StaticString = #filePath, line: UInt = #line) async throws -> [StoredEvent] {
        let stored = try await readAll(store)
        let expected = appended.map { StoredEvent(day: $0.day, event: $0.event) }
            .sorted { $0.day != $1.day ? $0.day > $1.day : $0.event.seq > $1.event.seq }
        XCTAssertEqual(stored.count, expected.count, "\(state): events stored", file: file, line: line)
        if stored != expected {
            let first = zip(stored, expected).first { $0.0 != $0.1 }
            XCTFail("\(state): stored events differ from those appended, first: \(String(describing: first))", file: file, line: line)
        }
        return stored
    }

    private struct Check {
        var from: Int64 = 0
        var to: Int64 = .max
        var units: UnitFilter = .any
        /// Also compare top values and the histogram.
        var aggregates = true
        /// Compare every page, else the first, the last, one in the middle and the one where the
        /// answer crosses from bucket 1 to bucket 0.
        var allPages = true
    }

    /// The events `QueryMatcher` selects among `stored` (newest first), inside the check's window
    /// and unit.
    private func matching(_ text: String, _ stored: [StoredEvent], _ options: Check) throws -> [StoredEvent] {
        let matcher = QueryMatcher(try SearchQuery(parsing: text), context: QueryContext(now: Self.now, resolver: Self.names))
        return stored.filter { item in
            let event = item.event
            guard event.time >= options.from, event.time <= options.to else { return false }
            switch options.units {
            case .any: break
            case .none: return false
            case .only(let unit): guard event.unitID == unit else { return false }
            }
            return matcher.matches(event)
        }
    }

    /// Compares the store's answers for `text` with the matcher's; returns how many events match.
    @discardableResult
    private func check(_ text: String, _ state: String, _ store: PartitionedEventStore, _ stored: [StoredEvent],
                       _ options: Check = Check(), expected known: [StoredEvent]? = nil,
                       file: StaticString = #filePath, line: UInt = #line) async throws -> Int {
        let label = "[\(state)] \(text)"
        func fail(_ message: String) { XCTFail("\(label): \(message)", file: file, line: line) }
        let filter: EventFilter
        do {
            filter = try LogSearch.filter(query: text, from: options.from, to: options.to, units: options.units,
                                          names: Self.names, now: Self.now)
        } catch {
            fail("the store refuses a query the language accepts: \(error)")
            return 0
        }
        let expected = try known ?? matching(text, stored, options)

        let count = try await store.count(filter)
        if count != expected.count { fail("count \(count), the matcher selects \(expected.count)") }

        let (got, wanted) = try await pages(filter, store: store, expected: expected, options: options, fail: fail)
        if got != wanted {
            let gotIDs = got.map(\.id), wantedIDs = wanted.map(\.id)
            let only = Set(gotIDs).subtracting(wantedIDs).sorted().prefix(6), missing = Set(wantedIDs).subtracting(gotIDs).sorted().prefix(6)
            if gotIDs == wantedIDs {
                fail("search returns the right events with other contents: \(zip(got, wanted).first { $0.0 != $0.1 }.map { "\($0.0)" } ?? "")")
            } else {
                fail("search returns \(got.count) events, the matcher \(wanted.count); only the store: \(only), "
                     + "only the matcher: \(missing)" + (only.isEmpty && missing.isEmpty ? " (same events, other order)" : ""))
            }
        }
        guard options.aggregates else { return expected.count }

        // Top values count each distinct indexed value once per event; values compared as bytes.
        let users = try await store.topValues(of: "user", filter, limit: 100_000)
        var wantedUsers: [[UInt8]: Int] = [:]
        for item in expected {
            if let user = item.event.fields["user"], !user.isEmpty, user.utf8.count <= 256 { wantedUsers[Array(user.utf8), default: 0] += 1 }
        }
        var gotUsers: [[UInt8]: Int] = [:]
        for entry in users { gotUsers[Array(entry.value.utf8), default: 0] += entry.count }
        if gotUsers != wantedUsers || users.count != wantedUsers.count {
            let describe = { (counts: [[UInt8]: Int]) in
                counts.map { "\(String(decoding: $0.key, as: UTF8.self).debugDescription)=\($0.value)" }.sorted().joined(separator: ", ")
            }
            fail("topValues(user) gives \(describe(gotUsers)); the matcher's events hold \(describe(wantedUsers))")
        }
        if zip(users, users.dropFirst()).contains(where: { $0.count < $1.count }) { fail("topValues(user) not most frequent first") }
        let severities = try await store.topValues(of: "severity", filter, limit: 3)
        var wantedSeverities: [String: Int] = [:]
        for item in expected { if let severity = item.event.severity { wantedSeverities[String(severity), default: 0] += 1 } }
        if severities.map(\.count) != Array(wantedSeverities.values.sorted(by: >).prefix(3))
            || severities.contains(where: { wantedSeverities[$0.value] != $0.count }) {
            fail("topValues(severity, 3) gives \(severities); the matcher's events hold \(wantedSeverities.sorted { $0.key < $1.key })")
        }

        let histogram = try await store.histogram(filter, bucketMicroseconds: Self.histogramWidth)
        var wantedHistogram: [Int64: Int] = [:]
        for item in expected { wantedHistogram[Self.floor(item.event.time), default: 0] += 1 }
        let wantedBuckets = wantedHistogram.map { TimeBucket(start: $0.key, count: $0.value) }.sorted { $0.start < $1.start }
        if histogram != wantedBuckets {
            fail("histogram has \(histogram.reduce(0) { $0 + $1.count }) events in \(histogram.count) slots, "
                 + "the matcher \(expected.count) in \(wantedBuckets.count)")
        }
        return expected.count
    }

    private static func floor(_ time: Int64) -> Int64 {
        let quotient = time / histogramWidth
        return (time % histogramWidth < 0 ? quotient - 1 : quotient) * histogramWidth
    }

    /// The events of the pages the search returns, and the same pages of the matcher's answer.
    private func pages(_ filter: EventFilter, store: PartitionedEventStore, expected: [StoredEvent], options: Check,
                       fail: (String) -> Void) async throws -> (got: [StoredEvent], wanted: [StoredEvent]) {
        let limit = PageRequest.maxLimit
        var offsets = Array(stride(from: 0, to: max(expected.count, 1), by: limit))
        if !options.allPages && expected.count > 2 * limit {
            offsets = [0, expected.count / 2 - limit / 3, expected.count - limit / 2]
            if let edge = expected.firstIndex(where: { $0.event.seq <= PartitionSchema.bucketSize }), edge > 0 {
                offsets.append(max(0, edge - limit / 2))
            }
        }
        var got: [StoredEvent] = []
        var wanted: [StoredEvent] = []
        for offset in offsets {
            let page = try await store.search(filter, page: PageRequest(offset: offset, limit: limit))
            got += page.items
            wanted += expected.dropFirst(offset).prefix(limit)
            // A search that confirms candidates may stop counting past its page and say so; its
            // total must then still be a true lower bound.
            if page.totalIsExact ? page.total != expected.count
                : page.total > expected.count || page.total < min(expected.count, offset + page.items.count) {
                fail("page at \(offset): total \(page.total)\(page.totalIsExact ? "" : " (a lower bound)"), the matcher \(expected.count)")
            }
        }
        return (got, wanted)
    }

    /// Every query, compared on count and pages, and on top values and the histogram where
    /// `aggregates` (they read only the index, which compaction copies unchanged and a restart
    /// rebuilds into the same structure the open state uses); then a quarter of the queries
    /// again inside a window that cuts the day, half of those for one unit only.
    private func checkAll(_ state: String, _ store: PartitionedEventStore, _ stored: [StoredEvent], aggregates: Bool) async throws {
        var informative = 0
        for text in Self.queries {
            let found = try await check(text, state, store, stored, Check(aggregates: aggregates))
            if found > 0 && found < stored.count { informative += 1 }
        }
        XCTAssertGreaterThan(informative, Self.queries.count * 3 / 4, "[\(state)] most queries select some events but not all")
        for (index, text) in Self.queries.enumerated() where index % 4 == 0 {
            let window = Check(from: Self.base + Self.hour + 123, to: Self.base + 3 * Self.hour - 77,
                               units: index % 8 == 0 ? .only(1) : .any, aggregates: false)
            try await check(text, state + ", 09:00–11:00", store, stored, window)
        }
    }

    // MARK: - tests

    func testIndexAgreesWithTheMatcherOpenReopenedSealedAndCompacted() async throws {
        let clock = TestClock(Self.now)
        var store = try openStore(clock)
        var appended: [(day: Day, event: LogEvent)] = []
        // Batches of uneven sizes, so the events of one bucket sit in several blocks.
        var start = 0
        for size in [1, 2, 300, 97, 300, 100] {
            let batch = Array(Self.fixture[start..<(start + size)])
            let receipt = try await store.append(batch)
            XCTAssertEqual(receipt.seqs, Int64(start + 1)...Int64(start + size))
            for (offset, event) in batch.enumerated() {
                var stored = event
                stored.seq = Int64(start + offset + 1)
                appended.append((Self.day, stored))
            }
            start += size
        }
        XCTAssertEqual(start, Self.fixture.count)

        var stored = try await storedEvents(store, appended: appended, "open")
        try await checkAll("open", store, stored, aggregates: true)

        // A restart while the day is open: the open bucket's index is rebuilt from the blocks.
        try await store.close()
        store = try openStore(clock)
        stored = try await storedEvents(store, appended: appended, "reopened")
        try await checkAll("reopened", store, stored, aggregates: false)

        // The next day's first event seals this day: its postings now come from SQLite.
        clock.now += 24 * Self.hour
        var next = LogEvent(time: clock.now, received: clock.now, transport: .tcp, sourceAddress: "10.1.2.3", severity: 3,
                            hostname: "web-01", app: "sshd", procID: "123", msgID: "login",
                            message: "Failed password for root from 10.1.2.3 port 22 ssh2",
                            fields: ["user": "root", "src_ip": "10.1.2.3", "outcome": "failure"], unitID: 1, systemID: 11)
        let receipt = try await store.append([next])
        XCTAssertEqual(receipt.day.description, "2026-11-26")
        next.seq = 1
        appended.append((receipt.day, next))
        let sealed = await store.partitions[Self.day]
        XCTAssertEqual(sealed?.isSealed, true)
        stored = try await storedEvents(store, appended: appended, "sealed")
        try await checkAll("sealed", store, stored, aggregates: true)

        let compacted = try await store.compactSealedPartitions()
        XCTAssertEqual(compacted, [Self.day])
        stored = try await storedEvents(store, appended: appended, "compacted")
        try await checkAll("compacted", store, stored, aggregates: false)
        try await store.close()
    }

    /// Random compositions of the queries with every operator spelling and parentheses, in the
    /// open (memory) and the sealed (SQLite) states.
    func testRandomCompositionsAgree() async throws {
        let clock = TestClock(Self.now)
        let store = try openStore(clock)
        _ = try await store.append(Self.fixture)
        var rng = SplitMix64(seed: 42)
        let leaves = Self.queries.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        func compose(_ depth: Int) -> String {
            if depth == 0 || Int.random(in: 0..<3, using: &rng) == 0 {
                return "(" + leaves[Int.random(in: 0..<leaves.count, using: &rng)] + ")"
            }
            let op = [" AND ", " OR ", " ", " && ", " || ", " and ", " or "][Int.random(in: 0..<7, using: &rng)]
            let prefix = ["", "", "", "NOT ", "-", "!"][Int.random(in: 0..<6, using: &rng)]
            return prefix + "(" + compose(depth - 1) + op + compose(depth - 1) + ")"
        }
        let composed = (0..<60).map { _ in compose(3) }
        var stored = try await readAll(store)
        var informative = 0
        for text in composed {
            let found = try await check(text, "open", store, stored, Check(aggregates: false))
            if found > 0 && found < stored.count { informative += 1 }
        }
        XCTAssertGreaterThan(informative, composed.count / 3, "compositions select some events but not all")
        try await store.sealPartitions(before: Day("2026-11-26")!)
        stored = try await readAll(store)
        for text in composed { try await check(text, "sealed", store, stored, Check(aggregates: false)) }
    }

    /// Values that are canonically equivalent but not the same bytes ("é" composed and "e" + U+0301;
    /// Hangul syllables and their jamo) are different values to the matcher, as they are to SQLite.
    /// The index must keep them apart, and so must the value counts.
    func testCanonicallyEquivalentValuesStayDistinct() async throws {
        let composed = "José", decomposed = "Jose\u{301}"
        let hangul = "한국", jamo = "한국".decomposedStringWithCanonicalMapping
        XCTAssertEqual(composed, decomposed, "Swift calls them equal")
        XCTAssertNotEqual(Array(composed.utf8), Array(decomposed.utf8))
        XCTAssertNotEqual(Array(hangul.utf8), Array(jamo.utf8))
        let clock = TestClock(Self.now)
        let store = try openStore(clock)
        let rows: [(user: String, message: String)] = [
            (composed, "login \(hangul) ok"), (decomposed, "login \(jamo) ok"), (composed, "logout"),
            (decomposed, "login \(jamo) again"), (decomposed, "idle"), ("Jose", "login \(hangul)"),
        ]
        _ = try await store.append(rows.enumerated().map { index, row in
            LogEvent(time: Self.base + Int64(index) * 1_000_000, received: Self.base, transport: .udp, app: "app",
                     message: row.message, fields: ["user": row.user], unitID: 1)
        })
        let queries = ["", "user:\(composed)", "user:\"\(decomposed)\"", "user:Jos*", "user:[\(composed) TO \(composed)]",
                       hangul, "\"\(jamo)\"", "\(jamo) ok", "login \(hangul)*", "user:*\u{301}"]
        var stored = try await readAll(store)
        XCTAssertEqual(stored.reversed().map { Array($0.event.fields["user"]!.utf8) }, rows.map { Array($0.user.utf8) },
                       "the bytes of each value come back as appended")
        for text in queries { try await check(text, "open", store, stored) }
        try await store.sealPartitions(before: Day("2026-11-26")!)
        stored = try await readAll(store)
        for text in queries { try await check(text, "sealed", store, stored) }
    }

    /// Two buckets (65,536 events each): bucket 0 full, its postings stored as soon as it fills,
    /// bucket 1 open in memory; then bucket 1 rebuilt after a restart; then both read from SQLite
    /// in zstd blocks. A window that cuts bucket 0 makes the store check event times inside it.
    func testTwoBucketsAgreeInEveryState() async throws {
        let total = Int(PartitionSchema.bucketSize) + 4_464
        let clock = TestClock(Self.now)
        var store = try openStore(clock)
        let words = ["alpha beta", "beta alpha", "gamma", "alpha", "delta beta alpha"]
        let users = ["root", "admin", "adm", "guest", "svc", "backup", "root"]
        for start in stride(from: 1, through: total, by: 10_000) {
            let batch = (start...min(start + 9_999, total)).map { i -> LogEvent in
                // Rising times, every 97th event five minutes late.
                let time = Self.base + Int64(i) * 100_000 - (i % 97 == 0 ? 300_000_000 : 0)
                return LogEvent(time: time, received: time + Int64(i % 5) * 1_000_000, transport: i % 3 == 0 ? .udp : .tcp,
                                sourceAddress: "10.0.\(i % 4).\(i % 250)", severity: i % 8, app: i % 5 == 0 ? "sshd" : "app",
                                procID: i % 11 == 0 ? "\(i % 1_000)" : nil, message: "n\(i) \(words[i % words.count])",
                                fields: ["parity": i % 2 == 0 ? "even" : "odd", "mod": "\(i % 1_000)", "user": users[i % users.count]],
                                unitID: Int64(i % 3))
            }
            _ = try await store.append(batch)
        }
        // Event 65,536 (the last of bucket 0) happened at `edge`.
        let edge = Self.base + 65_536 * 100_000
        let cut = Check(from: Self.base + 60_001 * 100_000, aggregates: false, allPages: false)
        // Candidates the matcher confirms (phrases, seq, received, procid) are narrowed by an
        // indexed term, so each costs a few thousand events, not seventy thousand.
        let queries: [(text: String, aggregates: Bool, cut: Bool)] = [
            ("", true, true),
            ("parity:even AND severity:3", true, true),
            ("NOT (app:app OR severity:>1)", false, true),
            ("source:10.0.1.0/24 AND (mod:99? OR user:adm*)", false, false),
            ("\"alpha beta\" AND mod:[500 TO 520]", false, true),
            ("seq:[65530 TO 65545] AND mod:[530 TO 545]", true, false),
            ("procid:99* AND mod:[990 TO 999]", false, false),
            ("received:[\(iso(edge - 30_000_000)) TO \(iso(edge + 30_000_000))] AND time:[\(iso(edge - 60_000_000)) TO \(iso(edge + 60_000_000))]", false, false),
            ("n65536 OR n65537 OR n1 OR n70000", false, false),
            ("time:[\(iso(edge - 600_000_000)) TO \(iso(edge + 600_000_000))] AND NOT parity:odd", true, false),
        ]
        let stored = try await readAll(store)
        XCTAssertEqual(stored.count, total)
        var expected: [String: [StoredEvent]] = [:]
        for query in queries {
            let all = try matching(query.text, stored, Check())
            expected[query.text] = all
            if query.cut { expected["cut " + query.text] = all.filter { $0.event.time >= cut.from } }
        }
        for state in ["open", "reopened", "compacted"] {
            if state == "reopened" {
                try await store.close()
                store = try openStore(clock)
            } else if state == "compacted" {
                try await store.sealPartitions(before: Day("2026-11-26")!)
                let done = try await store.compactSealedPartitions()
                XCTAssertEqual(done, [Self.day])
            }
            let everything = try await store.count(EventFilter(from: 0, to: .max, units: .any))
            XCTAssertEqual(everything, total, state)
            for query in queries {
                try await check(query.text, state, store, stored, Check(aggregates: query.aggregates, allPages: false),
                                expected: expected[query.text])
                if query.cut { try await check(query.text, state + ", from event 60,001", store, stored, cut, expected: expected["cut " + query.text]) }
            }
        }
        try await store.close()
    }

    /// Whole seconds in UTC, as the query language writes them.
    private func iso(_ microseconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(microseconds / 1_000_000)))
    }
}
