import AnyunCore
import Foundation
import GRDB
import XCTest
@testable import LogAudit

/// Compiles queries to SQL, runs them on a real partition (the store's schema, FTS5 included)
/// filled with synthetic events, and checks that SQL and the in-memory matcher select the same
/// events, and, for a set of queries, the events an independent plain-Swift filter selects.
final class QuerySQLCrossCheckTests: XCTestCase {
    /// 2026-11-25 08:00 Beijing time.
    private static let base: Int64 = {
        LogEvent.microseconds(ISO8601DateFormatter().date(from: "2026-11-25T08:00:00+08:00")!)
    }()
    private static let now = base + 4 * 3_600_000_000
    private static let names = StaticQueryNames(
        units: [1: "市公安局", 2: "市卫健委", 3: "市公安局交警支队", 4: "区财政局"],
        systems: [10: "户籍系统", 11: "门户网站", 12: "交通监控", 13: "OA*系统"])
    private static let nasty = "'; DROP TABLE event; --"
    private static let longValue = String(repeating: "u", count: 300)

    private static let fixture: (events: [LogEvent], queue: DatabaseQueue) = {
        let events = makeEvents(count: 2000)
        let queue = try! DatabaseQueue()
        try! queue.write { db in
            for statement in PartitionSchema.statements { try db.execute(sql: statement) }
            for event in events { try insert(event, db) }
        }
        return (events, queue)
    }()

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
        "error OR (app:nginx AND reset)", "-(-error)", "user:\(QuerySQLCrossCheckTests.longValue)", "user:uuu*",
    ]

    private var context: QueryContext { QueryContext(now: Self.now, resolver: Self.names) }

    // MARK: - synthetic partition

    private struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static func makeEvents(count: Int) -> [LogEvent] {
        var rng = SplitMix64(state: 20261125)
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
        func maybe<T>(_ value: T, _ percent: Int = 85) -> T? { Int.random(in: 0..<100, using: &rng) < percent ? value : nil }
        let users = ["root", "admin", "adm1n", "administrator", "o'brien", "100%", "a_b", "x*y", "x?y", "[x]", nasty,
                     "用户甲", "Root", "", longValue, "oot", "boot", "adn", "adm"]
        let ipv4 = { "10.\(Int.random(in: 0...3, using: &rng)).\(Int.random(in: 0...9, using: &rng)).\(Int.random(in: 1...40, using: &rng))" }
        let sources = { () -> String? in
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: return "192.168.1.\(Int.random(in: 1...9, using: &rng))"
            case 1: return "2001:db8::\(String(Int.random(in: 1...300, using: &rng), radix: 16))"
            case 2: return "2001:db9::1"
            case 3: return "::ffff:10.1.2.3"
            case 4: return nil
            default: return ipv4()
            }
        }
        var events: [LogEvent] = []
        for i in 1...count {
            let time = base + Int64(i) * 7_000_000 + Int64.random(in: 0..<1_000_000, using: &rng)
            let app = maybe(pick(["sshd", "sudo", "nginx", "CRON", "kernel"]), 92)
            let user = pick(users)
            let ip = pick([ipv4(), ipv4(), "2001:db8::\(Int.random(in: 1...9, using: &rng))", "unknown", " 10.1.2.3", "10.1.2.3"])
            var fields: [String: String] = [:]
            let message: String
            switch app {
            case "sshd":
                let ok = Int.random(in: 0..<3, using: &rng) == 0
                fields = ["src_ip": ip, "user": user, "outcome": ok ? "success" : "failure", "port": "\(Int.random(in: 1000...65000, using: &rng))"]
                message = pick([
                    "\(ok ? "Accepted publickey" : "Failed password") for \(user) from \(ip) port 22 ssh2",
                    ok ? "session opened for user \(user) by (uid=0)" : "FAILED PASSWORD FOR ROOT",
                    "error: timeout while connecting to upstream \(ip)",
                ])
            case "nginx":
                let status = pick(["200", "204", "302", "404", "500", "503", "599", "600", "5e2", "-1", "007", "1.5", "abc", "0500"])
                fields = ["src_ip": ip, "status": status, "bytes": "\(Int.random(in: 0...20000, using: &rng))",
                          "path": pick(["/index.php", "/a_b/100%", "/login?next=/", "/用户/登录"])]
                if Bool.random(using: &rng) { fields["dst_ip"] = "2001:db8:\(Int.random(in: 0...2, using: &rng))::\(Int.random(in: 1...9, using: &rng))" }
                message = pick([
                    "GET /index.php?id=1' OR '1'='1 HTTP/1.1 \(status)",
                    "connection reset by peer",
                    "read error: connection timeout after \(Int.random(in: 1...900, using: &rng))ms",
                    "100% done_ok *star* ?q [x]",
                ])
            case "sudo":
                fields = ["user": user, "action": pick(["exec", "su", "edit"]), "outcome": pick(["success", "failure", "denied"])]
                message = pick([
                    "用户\(pick(["admin", "root", "甲"]))登录失败，原因：密码错误",
                    "市公安局 业务系统 访问异常 错误码 \(Int.random(in: 1...99, using: &rng))",
                    "NEAR(\"a\" \"b\") - col:val AND OR NOT * ^x",
                ])
            default:
                if Bool.random(using: &rng) { fields["sd.origin.ip"] = pick(["192.168.0.\(Int.random(in: 1...9, using: &rng))", "172.16.0.1"]) }
                if Bool.random(using: &rng) { fields["tag"] = pick(["市公安局", "市公安局交警支队", "x", ""]) }
                message = pick([
                    "市公安局交警支队 数据同步完成",
                    "Déjà vu: \(pick(["café", "CAFÉ", "cafe"])) \(pick(["restarted", "crashed"]))",
                    nasty,
                    "kernel: eth0 link up",
                ])
            }
            events.append(LogEvent(
                seq: Int64(i), time: time, received: time + Int64.random(in: 0..<3_000_000, using: &rng),
                transport: pick(LogTransport.allCases), sourceAddress: sources(),
                facility: maybe(Int.random(in: 0...23, using: &rng), 90), severity: maybe(Int.random(in: 0...7, using: &rng), 90),
                hostname: maybe(pick(["web-01", "web-02", "db-01", "10.9.8.7", "主机甲"]), 90), app: app,
                procID: maybe("\(Int.random(in: 100...1300, using: &rng))", 70), msgID: maybe(pick(["ID47", "-", "login"]), 50),
                message: message, fields: fields, decoder: maybe(pick(["sshd", "nginx-access"]), 60),
                unitID: maybe(Int64.random(in: 1...4, using: &rng), 90), systemID: maybe(Int64.random(in: 10...13, using: &rng), 80),
                hostID: maybe(Int64.random(in: 1...9, using: &rng), 80)))
        }
        return events
    }

    /// The index rows as the partition writer fills them, written out independently of the
    /// code under test: plain rows for the sender and the header's host/app/decoder and every
    /// decoded field (not empty, at most 256 bytes), and `#ip` rows for the sender and decoded
    /// fields whose value is an IP address.
    private static func insert(_ e: LogEvent, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO event (seq, ts, received, transport, source, facility, severity, host, app, procid, msgid,
                               message, fields, decoder, flags, unit_id, system_id, host_id, mac)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [e.seq, e.time, e.received, LogTransport.allCases.firstIndex(of: e.transport)!, e.sourceAddress,
                             e.facility, e.severity, e.hostname, e.app, e.procID, e.msgID, e.message, "{}", e.decoder,
                             0, e.unitID, e.systemID, e.hostID, Data(count: 16)])
        func row(_ name: String, _ value: String) throws {
            try db.execute(sql: "INSERT OR IGNORE INTO event_field (bucket, name, value, seq) VALUES (0, ?, ?, ?)", arguments: [name, value, e.seq])
        }
        func plain(_ name: String, _ value: String?) throws {
            if let value, !value.isEmpty, value.utf8.count <= 256 { try row(name, value) }
        }
        try plain("source", e.sourceAddress)
        if let source = e.sourceAddress, let key = ipKey(source) { try row("source#ip", key) }
        try plain("host", e.hostname)
        try plain("app", e.app)
        try plain("decoder", e.decoder)
        for (name, value) in e.fields {
            try plain(name, value)
            if let key = ipKey(value) { try row(name + "#ip", key) }
        }
        try db.execute(sql: "INSERT INTO event_fts(rowid, message) VALUES (?, ?)", arguments: [e.seq, e.message])
    }

    /// 16 bytes of the address (IPv4 mapped) in hex; text with spaces is not an address.
    private static func ipKey(_ text: String) -> String? {
        guard let bytes = ipBytes(text) else { return nil }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func ipBytes(_ text: String) -> [UInt8]? {
        guard text == text.trimmingCharacters(in: .whitespacesAndNewlines), let ip = IPAddress(text) else { return nil }
        return ip.isV6 ? ip.bytes : [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + ip.bytes
    }

    // MARK: - running a query both ways

    private struct Outcome {
        let sql: Set<Int64>
        let memory: Set<Int64>
        let compiled: CompiledQuery
    }

    private func run(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let query = try SearchQuery(parsing: text)
        let compiled = try QueryCompiler.compile(query, context: context)
        let sql = try Self.fixture.queue.read { db in
            try Int64.fetchSet(db, sql: "SELECT e.seq FROM event e WHERE \(compiled.sql)", arguments: compiled.arguments)
        }
        let matcher = QueryMatcher(query, context: context)
        let memory = Set(Self.fixture.events.filter(matcher.matches).map(\.seq))
        XCTAssertEqual(sql.count, memory.count, "\(text): SQL and matcher disagree on the count", file: file, line: line)
        XCTAssertEqual(sql, memory, "\(text): only SQL \(sql.subtracting(memory).sorted().prefix(5)), only memory \(memory.subtracting(sql).sorted().prefix(5))",
                       file: file, line: line)
        for event in Self.fixture.events where memory.contains(event.seq) {
            guard compiled.timeBounds.contains(event.time), compiled.receivedBounds.contains(event.received) else {
                XCTFail("\(text): event \(event.seq) matches outside the query's own time bounds", file: file, line: line)
                break
            }
        }
        return Outcome(sql: sql, memory: memory, compiled: compiled)
    }

    private func expect(_ text: String, _ filter: (LogEvent) -> Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try run(text, file: file, line: line)
        let expected = Set(Self.fixture.events.filter(filter).map(\.seq))
        XCTAssertFalse(expected.isEmpty, "\(text): the fixture should hold matching events", file: file, line: line)
        XCTAssertEqual(outcome.sql, expected, "\(text): SQL selects \(outcome.sql.count), expected \(expected.count)", file: file, line: line)
    }

    // MARK: - tests

    func testSQLAndMatcherAgreeOnEveryQuery() throws {
        let queries = Self.queries
        var informative = 0
        for text in queries {
            let outcome = try run(text)
            if !outcome.sql.isEmpty && outcome.sql.count < Self.fixture.events.count { informative += 1 }
        }
        XCTAssertGreaterThanOrEqual(queries.count, 60)
        XCTAssertGreaterThan(informative, queries.count * 3 / 4, "most queries select some events but not all")
    }

    /// Random compositions of the queries above with every operator spelling and parentheses.
    func testRandomCompositionsAgree() throws {
        var rng = SplitMix64(state: 42)
        let leaves = Self.queries.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        func compose(_ depth: Int) -> String {
            if depth == 0 || Int.random(in: 0..<3, using: &rng) == 0 {
                return "(" + leaves[Int.random(in: 0..<leaves.count, using: &rng)] + ")"
            }
            let op = [" AND ", " OR ", " ", " && ", " || ", " and ", " or "][Int.random(in: 0..<7, using: &rng)]
            let prefix = ["", "", "", "NOT ", "-", "!"][Int.random(in: 0..<6, using: &rng)]
            return prefix + "(" + compose(depth - 1) + op + compose(depth - 1) + ")"
        }
        for _ in 0..<150 { _ = try run(compose(3)) }
    }

    /// Strings of the language's awkward characters: the parser never crashes, and whatever it
    /// accepts compiles to SQL that runs and agrees with the matcher.
    func testFuzzedTextNeverCrashesAndAlwaysCompiles() throws {
        var rng = SplitMix64(state: 7)
        let pieces = ["\"", "(", ")", "[", "]", "{", "}", ":", "*", "?", "\\", "-", "!", "&&", "||", "<", ">=", " ",
                      " TO ", " AND ", " OR ", " NOT ", "a", "1", "市", "user:", "time:", "src_ip:", "now-1h", "10.0.0.0/8",
                      "::1", "_exists_:", "'", "%", "\u{3000}", "severity:", "unit:"]
        var accepted = 0, rejected = 0
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
            do {
                _ = try SearchQuery(parsing: text)
            } catch {
                XCTAssertGreaterThan(error.column, 0, text)
                XCTAssertLessThanOrEqual(error.column, text.unicodeScalars.count + 1, text)
                rejected += 1
                continue
            }
            accepted += 1
            if accepted % 10 == 0 { _ = try run(text) } else {
                _ = try QueryCompiler.compile(try SearchQuery(parsing: text), context: context)
            }
        }
        XCTAssertGreaterThan(accepted, 100)
        XCTAssertGreaterThan(rejected, 100)
    }

    func testIndependentCounts() throws {
        let regexNumeric = try NSRegularExpression(pattern: "^-?[0-9]+(\\.[0-9]+)?$")
        func numeric(_ text: String?) -> Double? {
            guard let text, regexNumeric.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil else { return nil }
            return Double(text)
        }
        func words(_ message: String) -> [String] {
            message.lowercased().components(separatedBy: CharacterSet.alphanumerics.inverted).filter { !$0.isEmpty }
        }
        func inCIDR(_ text: String?, _ cidr: String) -> Bool {
            guard let text, let bytes = Self.ipBytes(text), let block = CIDR(cidr) else { return false }
            let address = block.network.isV6 ? bytes : Array(bytes[12...])
            guard block.network.isV6 || bytes[0..<12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF][...] else { return false }
            return block.contains(IPAddress(block.network.isV6 ? text : address.map(String.init).joined(separator: "."))!)
        }
        let minute: Int64 = 60_000_000

        try expect("app:sshd AND outcome:failure") { $0.app == "sshd" && $0.fields["outcome"] == "failure" }
        try expect(#""Failed password" NOT user:root"#) {
            words($0.message).joined(separator: " ").contains("failed password") && $0.fields["user"] != "root"
        }
        try expect("src_ip:10.0.0.0/8") { inCIDR($0.fields["src_ip"], "10.0.0.0/8") }
        try expect("source:10.1.0.0/16") { inCIDR($0.sourceAddress, "10.1.0.0/16") }
        try expect("source:2001:db8::/32") { inCIDR($0.sourceAddress, "2001:db8::/32") }
        try expect("status:[500 TO 599]") { numeric($0.fields["status"]).map { (500...599).contains($0) } ?? false }
        try expect("bytes:<1000") { numeric($0.fields["bytes"]).map { $0 < 1000 } ?? false }
        try expect("severity:<=3") { ($0.severity ?? 99) <= 3 }
        try expect("time:[2026-11-25T08:00 TO 2026-11-25T09:00]") { $0.time >= Self.base && $0.time < Self.base + 61 * minute }
        try expect("time:>now-15m") { $0.time > Self.now - 15 * minute }
        try expect("user:adm*") { ($0.fields["user"] ?? "").hasPrefix("adm") }
        try expect("user:?oot") { ($0.fields["user"]).map { $0.count == 4 && $0.hasSuffix("oot") } ?? false }
        try expect("-user:root") { $0.fields["user"] != "root" }
        try expect("_exists_:user") { $0.fields["user"].map { !$0.isEmpty && $0.utf8.count <= 256 } ?? false }
        try expect("user:x*y") { ["x*y", "x?y"].contains($0.fields["user"] ?? "") }
        try expect(#"user:x\*y"#) { $0.fields["user"] == "x*y" }
        try expect("user:100%") { $0.fields["user"] == "100%" }
        try expect(#"user:"'; DROP TABLE event; --""#) { $0.fields["user"] == Self.nasty }
        try expect(#""'; DROP TABLE event; --""#) { words($0.message).joined(separator: " ").contains("drop table event") }
        try expect("unit:市公安局*") { [1, 3].contains($0.unitID ?? 0) }
        try expect(#"unit:"市公安局""#) { $0.unitID == 1 }
        try expect(#"system:OA\*系统"#) { $0.systemID == 13 }
        try expect("transport:t*") { [.tcp, .tls].contains($0.transport) }
        try expect("error timeout") { words($0.message).contains("error") && words($0.message).contains("timeout") }
        try expect("用户*") { words($0.message).contains { $0.hasPrefix("用户") } }
        try expect("市公安局") { $0.message.hasPrefix("市公安局 ") }
        try expect("CAFE") { $0.message.lowercased().contains("café") || $0.message.contains("cafe") || $0.message.contains("CAFÉ") }
        try expect("(app:sshd OR app:sudo) AND NOT outcome:success") {
            ($0.app == "sshd" || $0.app == "sudo") && $0.fields["outcome"] != "success"
        }
        try expect("host:10.9.8.7") { $0.hostname == "10.9.8.7" }
        try expect("procid:[100 TO 500]") { numeric($0.procID).map { (100...500).contains($0) } ?? false }
    }

    func testEmptyQueryMatchesEverythingAndNoMatchIsFalse() throws {
        XCTAssertEqual(try run("").sql.count, Self.fixture.events.count)
        XCTAssertEqual(try run(" \t ").sql.count, Self.fixture.events.count)
        XCTAssertEqual(try run("unit:不存在").compiled.sql, "0")
        XCTAssertEqual(try run("NOT unit:不存在").sql.count, Self.fixture.events.count)
    }

    func testUserTextIsOnlyEverABoundParameter() throws {
        for text in [#"user:"'; DROP TABLE event; --""#, #""'; DROP TABLE event; --""#, "user:100%", "user:a_b", #"user:"o'brien""#,
                     #""NEAR(\"a\" \"b\")""#, "path:*100%", #"user:x\*y"#, "unit:市公安局*"] {
            let compiled = try QueryCompiler.compile(try SearchQuery(parsing: text), context: context)
            for fragment in ["DROP", "brien", "100%", "a_b", "NEAR", "x*y", "市公安局"] {
                XCTAssertFalse(compiled.sql.contains(fragment), "\(text) leaked \(fragment) into \(compiled.sql)")
            }
            XCTAssertFalse(compiled.sql.contains("--"), compiled.sql)
        }
        let phrase = try QueryCompiler.compile(try SearchQuery(parsing: #""NEAR(\"a\" \"b\") -x""#), context: context)
        XCTAssertEqual(phrase.arguments, [#""near a b x""#], "FTS5 sees one quoted string, no operators")
        let count = try Self.fixture.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") }
        XCTAssertEqual(count, Self.fixture.events.count, "the table is still there")
    }

    func testFullTextTermsShareOneFTSQuery() throws {
        let compiled = try QueryCompiler.compile(try SearchQuery(parsing: "error timeout -reset app:nginx"), context: context)
        XCTAssertEqual(compiled.sql.components(separatedBy: "event_fts MATCH").count, 2, compiled.sql)
        XCTAssertEqual(compiled.arguments, [#"(("error" AND "timeout") NOT "reset")"#, "app", "nginx"])
        _ = try run("error timeout -reset app:nginx")
        let only = try QueryCompiler.compile(try SearchQuery(parsing: "-reset app:nginx"), context: context)
        XCTAssertTrue(only.sql.contains("NOT (e.seq IN (SELECT rowid FROM event_fts"), "a lone NOT stays SQL: \(only.sql)")
    }

    func testPrefixWildcardUsesAnIndexRange() throws {
        let compiled = try QueryCompiler.compile(try SearchQuery(parsing: "user:adm*"), context: context)
        XCTAssertFalse(compiled.sql.contains("GLOB"), compiled.sql)
        XCTAssertEqual(compiled.arguments, ["user", "adm", "adn"])
        let plan = try Self.fixture.queue.read { db in
            // The store pins every lookup to one bucket of the partition.
            let pinned = BucketScope.pin(compiled.sql, to: PartitionBucket(id: 0, firstSeq: 1, lastSeq: 65_536, minTS: 0, maxTS: 0))
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT e.seq FROM event e WHERE \(pinned)", arguments: compiled.arguments)
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        XCTAssertTrue(plan.contains("event_field USING PRIMARY KEY (bucket=? AND name=? AND value>? AND value<?)"), plan)
    }

    func testEveryIndexLookupStaysInsideItsBucket() throws {
        // An IP term looks up two index rows (text and key); the bucket must bind both, or each
        // bucket's query would read the whole index.
        for text in ["src_ip:10.1.2.3", "src_ip:10.0.0.0/8", "user:adm*", "status:>=500", "_exists_:user", "app:sshd OR user:root"] {
            let compiled = try QueryCompiler.compile(try SearchQuery(parsing: text), context: context)
            let pinned = BucketScope.pin(compiled.sql, to: PartitionBucket(id: 0, firstSeq: 1, lastSeq: 65_536, minTS: 0, maxTS: 0))
            let plan = try Self.fixture.queue.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT e.seq FROM event e WHERE \(pinned)", arguments: compiled.arguments)
                    .map { $0["detail"] as String }.joined(separator: "\n")
            }
            XCTAssertFalse(plan.contains("SCAN event_field"), "\(text):\n\(plan)")
            XCTAssertTrue(plan.contains("event_field USING PRIMARY KEY (bucket=?"), "\(text):\n\(plan)")
        }
    }

    func testQueryTimeBoundsForPartitionChoice() throws {
        let minute: Int64 = 60_000_000
        let window = try run("time:[2026-11-25T08:00 TO 2026-11-25T09:00] app:sshd").compiled.timeBounds
        XCTAssertEqual(window, QueryTimeBounds(min: Self.base, max: Self.base + 61 * minute - 1))
        let union = try run("time:<2026-11-25T08:10 OR time:>=2026-11-25T11:00").compiled.timeBounds
        XCTAssertEqual(union, .unbounded, "one side is open below, the other above")
        let hull = try run("time:[2026-11-25T08:00 TO 2026-11-25T08:10} OR time:[2026-11-25T10:00 TO 2026-11-25T10:30}").compiled.timeBounds
        XCTAssertEqual(hull, QueryTimeBounds(min: Self.base, max: Self.base + 150 * minute - 1))
        let recent = try run("time:>now-15m").compiled
        XCTAssertEqual(recent.timeBounds, QueryTimeBounds(min: Self.now - 15 * minute + 1, max: nil))
        XCTAssertEqual(recent.receivedBounds, .unbounded)
        XCTAssertEqual(try run("NOT time:>now-15m").compiled.timeBounds, .unbounded)
        let empty = try run("time:<2026-11-25T08:10 time:>2026-11-25T09:00").compiled.timeBounds
        XCTAssertTrue(empty.isEmpty)
        XCTAssertTrue(try run("time:<2026-11-25T08:10 time:>2026-11-25T09:00").sql.isEmpty)
    }

    func testMatchesConvenienceForLiveTail() throws {
        let event = LogEvent(time: Self.now - 60_000_000, received: Self.now, transport: .udp, sourceAddress: "10.1.2.3",
                             severity: 3, app: "sshd", message: "Failed password for root", fields: ["user": "root"], unitID: 1)
        XCTAssertTrue(try SearchQuery(parsing: "unit:市公安局 failed time:>now-5m").matches(event, resolver: Self.names, now: Self.now))
        XCTAssertFalse(try SearchQuery(parsing: "unit:市公安局 failed time:>now-5m").matches(event, resolver: Self.names, now: Self.now + 600_000_000))
        XCTAssertFalse(try SearchQuery(parsing: "unit:市卫健委").matches(event, resolver: Self.names, now: Self.now))
        XCTAssertTrue(try SearchQuery(parsing: "source:10.0.0.0/8 -user:admin severity:err").matches(event, resolver: Self.names, now: Self.now))
    }
}
