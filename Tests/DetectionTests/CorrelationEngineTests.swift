import AnyunCore
@testable import Detection
import XCTest

final class CorrelationEngineTests: XCTestCase {
    private typealias E = TestEvents

    private func shippedEngine(limits: CorrelationLimits = CorrelationLimits(),
                               store: any SeenValuesStore = InMemorySeenValuesStore()) throws -> DetectionEngine {
        DetectionEngine(rules: try ShippedPack.rules(), limits: limits, seenValues: store)
    }

    private func bruteForce(_ matches: [RuleMatch]) -> [RuleMatch] { matches.filter { $0.title == "SSH Brute Force" } }

    // MARK: event_count: SSH brute force

    func testFourFailuresDoNotFireTheFifthFiresOnce() throws {
        var engine = try shippedEngine()
        for i in 0..<4 {
            XCTAssertTrue(bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: Double(i) * 14))).isEmpty, "failure \(i + 1)")
        }
        let fifth = bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: 59)))
        XCTAssertEqual(fifth.count, 1)
        XCTAssertEqual(fifth.first?.groupKey, "src_ip=203.0.113.7")
        XCTAssertEqual(fifth.first?.count, 5)
        // The fired window is consumed: the sixth failure alone does not fire again.
        XCTAssertTrue(bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: 60))).isEmpty)
        // Five more do.
        var again: [RuleMatch] = []
        for i in 1...4 { again += bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: 60 + Double(i)))) }
        XCTAssertEqual(again.count, 1)
    }

    func testFailuresSixtyOneSecondsApartDoNotFire() throws {
        var engine = try shippedEngine()
        var fired: [RuleMatch] = []
        for i in 0..<20 { fired += bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: Double(i) * 61))) }
        XCTAssertTrue(fired.isEmpty)
        // Five within exactly 60 s (window bounds are inclusive) do fire.
        var edge = try shippedEngine()
        for i in 0..<5 { fired += bruteForce(edge.process(E.sshFailure(from: "203.0.113.7", at: Double(i) * 15))) }
        XCTAssertEqual(fired.count, 1)
        // Five spread over 60.5 s do not.
        var over = try shippedEngine()
        var none: [RuleMatch] = []
        for i in 0..<5 { none += bruteForce(over.process(E.sshFailure(from: "203.0.113.7", at: Double(i) * 15.125))) }
        XCTAssertTrue(none.isEmpty)
    }

    func testSeparateSourcesDoNotMix() throws {
        var engine = try shippedEngine()
        var fired: [RuleMatch] = []
        for i in 0..<12 {
            fired += bruteForce(engine.process(E.sshFailure(from: "203.0.113.\(i % 3)", at: Double(i))))
        }
        XCTAssertTrue(fired.isEmpty, "4 failures from each of 3 sources is not 5 from one")
        fired += bruteForce(engine.process(E.sshFailure(from: "203.0.113.1", at: 13)))
        XCTAssertEqual(fired.map(\.groupKey), ["src_ip=203.0.113.1"])
    }

    func testOutOfOrderArrivalWithinTheWindowIsDeterministic() throws {
        let times: [Double] = [0, 12, 24, 36, 48]
        // Every order of five failures in one minute fires exactly once, on the fifth arrival.
        for order in permutations(times) {
            var engine = try shippedEngine()
            var firedAt: [Int] = []
            for (i, t) in order.enumerated() where !bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: t))).isEmpty {
                firedAt.append(i)
            }
            XCTAssertEqual(firedAt, [4], "order \(order)")
        }
        // A late event still lands in the window it belongs to.
        var engine = try shippedEngine()
        var fired: [RuleMatch] = []
        for t in [100.0, 110, 120, 130] { fired += bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: t))) }
        fired += bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: 75)))
        XCTAssertEqual(fired.count, 1)
        XCTAssertEqual(fired.first?.windowStart, E.at(75))
        // One that belongs to no window with the others does not complete it.
        var apart = try shippedEngine()
        var none: [RuleMatch] = []
        for t in [100.0, 110, 120, 130] { none += bruteForce(apart.process(E.sshFailure(from: "203.0.113.7", at: t))) }
        none += bruteForce(apart.process(E.sshFailure(from: "203.0.113.7", at: 69)))
        XCTAssertTrue(none.isEmpty)
    }

    func testEventsLaterThanOneTimespanAreDroppedAndCounted() throws {
        var engine = try shippedEngine()
        _ = engine.process(E.sshFailure(from: "203.0.113.7", at: 1000))
        var fired: [RuleMatch] = []
        for i in 0..<5 { fired += bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: Double(i)))) }
        XCTAssertTrue(fired.isEmpty)
        let id = try brute(engine)
        let stats = try XCTUnwrap(engine.correlationStats.first { $0.ruleID == id })
        XCTAssertEqual(stats.lateDropped, 5)
    }

    private func brute(_ engine: DetectionEngine) throws -> String {
        try XCTUnwrap(ShippedPack.rules().correlation("ssh_brute_force")?.info.id)
    }

    func testMemoryBoundHoldsUnderAFloodOfSources() throws {
        let limits = CorrelationLimits(maxGroupsPerRule: 100, maxEntriesPerGroup: 8)
        var engine = try shippedEngine(limits: limits)
        for i in 0..<5_000 {
            _ = engine.process(E.sshFailure(from: "10.\(i / 65_536).\((i / 256) % 256).\(i % 256)", at: Double(i) * 0.001))
        }
        for s in engine.correlationStats {
            XCTAssertLessThanOrEqual(s.groups, 100, s.ruleID)
            XCTAssertLessThanOrEqual(s.entries, 100 * 8, s.ruleID)
        }
        let id = try brute(engine)
        XCTAssertGreaterThan(try XCTUnwrap(engine.correlationStats.first { $0.ruleID == id }).groups, 50)
        // A source still under attack keeps being detected under the flood.
        var fired: [RuleMatch] = []
        for i in 0..<5 { fired += bruteForce(engine.process(E.sshFailure(from: "203.0.113.7", at: 5 + Double(i) * 0.001))) }
        XCTAssertEqual(fired.count, 1)
        // Per-group cap: 1000 failures from one source keep at most 8 entries.
        for i in 0..<1000 { _ = engine.process(E.sshFailure(from: "198.51.100.1", user: "u\(i)", at: 6 + Double(i) * 0.0001)) }
        XCTAssertLessThanOrEqual(try XCTUnwrap(engine.correlationStats.first { $0.ruleID == id }).entries, 100 * 8)
    }

    func testExpiredGroupsAreEvicted() throws {
        var engine = try shippedEngine()
        for i in 0..<200 { _ = engine.process(E.sshFailure(from: "10.0.\(i / 256).\(i % 256)", at: Double(i) * 0.01)) }
        let id = try brute(engine)
        XCTAssertEqual(try XCTUnwrap(engine.correlationStats.first { $0.ruleID == id }).groups, 200)
        // Time moves on by more than two timespans: the old groups are swept.
        _ = engine.process(E.sshFailure(from: "192.0.2.1", at: 1_000))
        XCTAssertEqual(try XCTUnwrap(engine.correlationStats.first { $0.ruleID == id }).groups, 1)
    }

    // MARK: value_count

    func testPasswordSprayingCountsDistinctUsersPerSource() throws {
        var engine = try shippedEngine()
        var spray: [RuleMatch] = []
        let users = ["admin", "admin", "oracle", "test", "test", "guest"]
        for (i, u) in users.enumerated() {
            spray += engine.process(E.sshFailure(from: "203.0.113.8", user: u, at: Double(i) * 60)).filter { $0.correlation == .valueCount }
        }
        XCTAssertTrue(spray.isEmpty, "4 distinct users")
        spray += engine.process(E.sshFailure(from: "203.0.113.9", user: "ubuntu", at: 400)).filter { $0.correlation == .valueCount }
        XCTAssertTrue(spray.isEmpty, "another source's user does not count")
        spray += engine.process(E.sshFailure(from: "203.0.113.8", user: "ubuntu", at: 420)).filter { $0.correlation == .valueCount }
        XCTAssertEqual(spray.count, 1)
        XCTAssertEqual(spray.first?.count, 5)
        XCTAssertEqual(spray.first?.groupKey, "src_ip=203.0.113.8")
        XCTAssertEqual(spray.first?.summary, "来自 203.0.113.8 的 SSH 密码喷洒：10分钟内尝试了 5 个不同账户（主机 gov-web-01）")
    }

    // MARK: temporal

    func testTemporalOrderedNeedsTheOrder() throws {
        var engine = try shippedEngine()
        var out: [RuleMatch] = []
        for i in 0..<5 { out += engine.process(E.sshFailure(from: "203.0.113.7", at: Double(i))) }
        out += engine.process(E.sshSuccess(from: "203.0.113.66", user: "root", at: 60))
        XCTAssertFalse(out.contains { $0.correlation == .temporalOrdered }, "success from another source")
        out += engine.process(E.sshSuccess(from: "203.0.113.7", user: "root", at: 300))
        let hits = out.filter { $0.correlation == .temporalOrdered }
        XCTAssertEqual(hits.count, 1)
        XCTAssertEqual(hits.first?.level, .critical)
        XCTAssertEqual(hits.first?.category, "account_compromise")
        XCTAssertEqual(hits.first?.summary, "203.0.113.7 暴力破解后成功登录账户 root（主机 gov-web-01），账户可能已失陷")
        // Beyond ten minutes it is not "after brute force" any more.
        var late = try shippedEngine()
        var none: [RuleMatch] = []
        for i in 0..<5 { none += late.process(E.sshFailure(from: "203.0.113.7", at: Double(i))) }
        none += late.process(E.sshSuccess(from: "203.0.113.7", user: "root", at: 605))
        XCTAssertFalse(none.contains { $0.correlation == .temporalOrdered })
    }

    func testTemporalUnorderedAndAliases() throws {
        let yaml = """
        title: Port scan seen
        id: t-a
        name: scan
        logsource: {product: test, service: test}
        detection: {sel: {kind: scan}, condition: sel}
        ---
        title: Login seen
        id: t-b
        name: login
        logsource: {product: test, service: other}
        detection: {sel: {kind: login}, condition: sel}
        ---
        title: Scan and login from one address
        id: t-c
        level: high
        tags: [attack.t1078, mlps.8.1.4.4]
        correlation:
          type: temporal
          rules: [scan, login]
          group-by: [ip]
          timespan: 5m
          aliases:
            ip:
              scan: src_ip
              login: client
        """
        let set = try RuleSet.load(yamlDocuments: yaml, origin: "t.yml", mapping: try TestRules.mapping())
        func scan(_ ip: String, _ t: Double) -> LogEvent { E.make(app: "testapp", fields: ["kind": "scan", "src_ip": ip], at: t) }
        func login(_ ip: String, _ t: Double) -> LogEvent { E.make(app: "otherapp", fields: ["kind": "login", "client": ip], at: t) }
        // Either order fires, as long as both are within 5 minutes and the aliased fields agree.
        for reversed in [false, true] {
            var engine = DetectionEngine(rules: set)
            let first = reversed ? login("10.1.1.1", 0) : scan("10.1.1.1", 0)
            let second = reversed ? scan("10.1.1.1", 200) : login("10.1.1.1", 200)
            XCTAssertTrue(engine.process(first).filter { $0.ruleID == "t-c" }.isEmpty)
            let hit = engine.process(second).filter { $0.ruleID == "t-c" }
            XCTAssertEqual(hit.map(\.groupKey), ["ip=10.1.1.1"], "reversed: \(reversed)")
        }
        var engine = DetectionEngine(rules: set)
        var out = engine.process(scan("10.1.1.1", 0)) + engine.process(login("10.1.1.2", 10)) + engine.process(login("10.1.1.1", 301))
        XCTAssertTrue(out.filter { $0.ruleID == "t-c" }.isEmpty, "different address, or too late")
        out = engine.process(scan("10.1.1.2", 100))
        XCTAssertEqual(out.filter { $0.ruleID == "t-c" }.map(\.groupKey), ["ip=10.1.1.2"])
    }

    // MARK: new_value

    func testNewValueFiresOnTheFirstUnseenSourceOnly() throws {
        let store = InMemorySeenValuesStore()
        var engine = try shippedEngine(store: store)
        let day = 86_400.0
        func newSource(_ e: LogEvent) -> [RuleMatch] { engine.process(e).filter { $0.correlation == .newValue } }
        XCTAssertTrue(newSource(E.sshSuccess(from: "10.1.1.1", user: "alice", at: 0)).isEmpty, "learning")
        XCTAssertTrue(newSource(E.sshSuccess(from: "10.1.1.2", user: "alice", at: day)).isEmpty, "still learning")
        XCTAssertTrue(newSource(E.sshSuccess(from: "10.1.1.1", user: "alice", at: 8 * day)).isEmpty, "known source")
        XCTAssertTrue(newSource(E.sshSuccess(from: "10.1.1.2", user: "alice", at: 8 * day + 1)).isEmpty, "learned source")
        let hit = newSource(E.sshSuccess(from: "203.0.113.50", user: "alice", at: 8 * day + 2))
        XCTAssertEqual(hit.count, 1)
        XCTAssertEqual(hit.first?.groupKey, "user=alice,src_ip=203.0.113.50")
        XCTAssertEqual(hit.first?.summary, "账户 alice 首次从 203.0.113.50 登录 SSH（主机 gov-web-01）")
        XCTAssertTrue(newSource(E.sshSuccess(from: "203.0.113.50", user: "alice", at: 8 * day + 3)).isEmpty, "seen now")
        XCTAssertEqual(newSource(E.sshSuccess(from: "203.0.113.50", user: "bob", at: 8 * day + 4)).count, 1,
                       "new for bob, even if alice used it")
        XCTAssertTrue(newSource(E.sshFailure(from: "203.0.113.51", user: "alice", at: 8 * day + 5)).isEmpty, "failures are not logins")
        // Forgotten after 90 days unseen.
        XCTAssertEqual(newSource(E.sshSuccess(from: "10.1.1.2", user: "alice", at: 100 * day)).count, 1)
        // The store carries memory over to a new engine (as a persistent store would across restarts).
        var restarted = try shippedEngine(store: store)
        XCTAssertTrue(restarted.process(E.sshSuccess(from: "10.1.1.2", user: "alice", at: 100 * day + 1))
            .filter { $0.correlation == .newValue }.isEmpty)
        XCTAssertEqual(restarted.process(E.sshSuccess(from: "203.0.113.77", user: "alice", at: 100 * day + 2))
            .filter { $0.correlation == .newValue }.count, 1, "no new learning period after a restart")
    }

    func testSeenValuesStoreIsBounded() {
        let store = InMemorySeenValuesStore(capacity: 100)
        for i in 0..<1_000 {
            XCTAssertTrue(store.remember(rule: "r", key: "user=u", value: "v\(i)", time: Int64(i), forgetAfter: nil))
            XCTAssertLessThanOrEqual(store.count, 100)
        }
        XCTAssertFalse(store.remember(rule: "r", key: "user=u", value: "v999", time: 1_000, forgetAfter: nil), "recent pairs stay")
        XCTAssertTrue(store.remember(rule: "r", key: "user=u", value: "v0", time: 1_001, forgetAfter: nil), "the oldest went")
        XCTAssertEqual(store.learningStart(rule: "r", proposed: 5), 5)
        XCTAssertEqual(store.learningStart(rule: "r", proposed: 9), 5)
    }

    // MARK: chaining and the Windows pack

    func testWindowsBruteForceGroupsByMappedField() throws {
        var engine = try shippedEngine()
        var out: [RuleMatch] = []
        for i in 0..<5 {
            // One host reports the Sigma name, the other the normalized one: both are IpAddress.
            let fields = i % 2 == 0 ? ["EventID": "4625", "IpAddress": "198.51.100.4"] : ["EventID": "4625", "src_ip": "198.51.100.4"]
            out += engine.process(E.make(app: "Microsoft-Windows-Security-Auditing", fields: fields, at: Double(i)))
        }
        XCTAssertEqual(out.map(\.groupKey), ["IpAddress=198.51.100.4"])
        XCTAssertEqual(out.first?.title, "Windows Logon Brute Force (RDP/SMB)")
    }

    func testEventCountRangeCondition() throws {
        let yaml = """
        title: base
        id: r-base
        name: base
        logsource: {product: test, service: test}
        detection: {sel: {kind: x}, condition: sel}
        ---
        title: Exactly three
        id: r-eq
        correlation: {type: event_count, rules: [base], timespan: 1m, condition: {eq: 3}}
        ---
        title: Two to four
        id: r-range
        correlation: {type: event_count, rules: [r-base], group-by: [], timespan: 1m, condition: {gt: 1, lte: 4}}
        """
        let set = try RuleSet.load(yamlDocuments: yaml, origin: "r.yml", mapping: try TestRules.mapping())
        var engine = DetectionEngine(rules: set)
        var fired: [String] = []
        for i in 0..<3 { fired += engine.process(E.make(fields: ["kind": "x"], at: Double(i))).map(\.ruleID) }
        XCTAssertEqual(fired, ["r-range", "r-eq"])
        XCTAssertEqual(set.correlations[1].sources, [.detection(0)], "referred to by id")
    }

    private func permutations(_ items: [Double]) -> [[Double]] {
        if items.count <= 1 { return [items] }
        var out: [[Double]] = []
        for (i, x) in items.enumerated() {
            var rest = items
            rest.remove(at: i)
            for p in permutations(rest) { out.append([x] + p) }
        }
        return out
    }
}
