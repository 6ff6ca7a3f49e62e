import AnyunCore
import AnyunCrypto
import Foundation
import GRDB
import XCTest
@testable import LogAudit

final class EventStoreTests: XCTestCase {
    private var directory: URL!
    private let signer = SM2SealSigner(key: try! SM2PrivateKey.generate())
    private let key = LogChainKey(secret: Array("test master secret".utf8))
    /// 2026-11-25 10:00 Beijing time.
    private let base: Int64 = 1_795_572_000_000_000

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eventstore-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func makeStore(clock: TestClock) throws -> PartitionedEventStore {
        try PartitionedEventStore(directory: directory, key: key, signer: signer, now: { clock.now })
    }

    private func event(_ i: Int, unit: Int64? = 1, message: String? = nil, fields: [String: String] = [:]) -> LogEvent {
        LogEvent(time: base + Int64(i) * 1_000_000, received: base + Int64(i) * 1_000_000, transport: .tcp,
                 sourceAddress: "10.1.2.\(i % 250)", severity: i % 8, hostname: "web-\(i % 3)", app: i % 2 == 0 ? "sshd" : "nginx",
                 message: message ?? "event number \(i) Failed password for root", fields: fields, unitID: unit)
    }

    private func all(unit: UnitFilter = .any) -> EventFilter {
        EventFilter(from: 0, to: Int64.max, units: unit)
    }

    private func query(_ text: String, from: Int64 = 0) throws -> EventFilter {
        try LogSearch.filter(query: text, from: from, to: .max, units: .any, names: StaticQueryNames())
    }

    func testAppendSearchAndAggregate() async throws {
        let clock = TestClock(base)
        let store = try makeStore(clock: clock)
        let receipt = try await store.append((1...100).map { event($0, unit: $0 <= 60 ? 1 : 2, fields: ["src_ip": "192.168.0.\($0 % 5)", "user": "u\($0 % 4)"]) })
        XCTAssertEqual(receipt.seqs, 1...100)

        let page = try await store.search(all(), page: PageRequest(offset: 0, limit: 10))
        XCTAssertEqual(page.total, 100)
        XCTAssertEqual(page.items.map(\.event.seq), Array((91...100).reversed()), "newest first")
        XCTAssertEqual(page.items.first?.event.fields["user"], "u0")

        let unit2 = try await store.search(all(unit: .only(2)), page: PageRequest(offset: 0, limit: 100))
        XCTAssertEqual(unit2.total, 40)
        XCTAssertTrue(unit2.items.allSatisfy { $0.event.unitID == 2 }, "a unit sees its own events only")
        let nobody = try await store.count(all(unit: .none))
        XCTAssertEqual(nobody, 0)

        let inBlock = try await store.count(query("src_ip:[192.168.0.1 TO 192.168.0.2]"))
        XCTAssertEqual(inBlock, 40)

        let found = try await store.search(query("\"number 42\""), page: PageRequest(offset: 0, limit: 5))
        XCTAssertEqual(found.items.map(\.event.seq), [42])
        XCTAssertEqual(found.total, 1, "a phrase is confirmed on the events, not just by its words")
        let words = try await store.count(query("number 42"))
        XCTAssertEqual(words, 1)

        let top = try await store.topValues(of: "user", all(), limit: 2)
        XCTAssertEqual(top, [ValueCount(value: "u0", count: 25), ValueCount(value: "u1", count: 25)])
        let apps = try await store.topValues(of: "app", all(unit: .only(1)), limit: 5)
        XCTAssertEqual(apps, [ValueCount(value: "nginx", count: 30), ValueCount(value: "sshd", count: 30)])
        let buckets = try await store.histogram(all(), bucketMicroseconds: 10_000_000)
        XCTAssertEqual(buckets.reduce(0) { $0 + $1.count }, 100)
        XCTAssertEqual(buckets.count, 11)

        let paged = try await store.search(all(), page: PageRequest(offset: 95, limit: 10))
        XCTAssertEqual(paged.items.map(\.event.seq), [5, 4, 3, 2, 1])
    }

    func testAnyPartOfAChineseTextIsFound() async throws {
        let store = try makeStore(clock: TestClock(base))
        _ = try await store.append([event(1, message: "市公安局 用户admin登录失败，原因：密码错误"), event(2, message: "市卫健委 备份完成")])
        for (text, expected) in [("公安", [Int64(1)]), ("登录失败", [1]), ("admin", [1]), ("密码错*", [1]), ("备份", [2]),
                                 ("\"市公安局\" OR 卫健", [2, 1]), ("安公", []), ("公安 -admin", [])] {
            let page = try await store.search(query(text), page: PageRequest(offset: 0, limit: 10))
            XCTAssertEqual(page.items.map(\.event.seq), expected, text)
        }
    }

    func testSearchesAcrossBucketsAgreeWithAPlainCount() async throws {
        // 70,000 events: two buckets of the value index, so counting, paging and lookups cross
        // a bucket boundary, and a window that cuts the first bucket needs the per-event time check.
        let clock = TestClock(base)
        let store = try makeStore(clock: clock)
        let total = Int(PartitionSchema.bucketSize) + 4_464
        for start in stride(from: 1, through: total, by: 10_000) {
            let batch = (start...min(start + 9_999, total)).map { i in
                LogEvent(time: base + Int64(i) * 1_000, received: base + Int64(i) * 1_000, transport: .udp,
                         app: "app", message: "n\(i)", fields: ["src_ip": "10.0.\(i % 4).1", "parity": i % 2 == 0 ? "even" : "odd"])
            }
            _ = try await store.append(batch)
        }
        let everything = try await store.count(all())
        XCTAssertEqual(everything, total)
        let evens = try query("parity:even")
        let evenCount = try await store.count(evens)
        XCTAssertEqual(evenCount, total / 2)

        // A window from event 60,001 on: part of bucket 0, all of bucket 1.
        var late = all()
        late.from = base + 60_001 * 1_000
        let lateCount = try await store.count(late)
        XCTAssertEqual(lateCount, total - 60_000)
        let filtered = try LogSearch.filter(query: "src_ip:10.0.1.0/24", from: late.from, to: .max, units: .any,
                                            names: StaticQueryNames())
        let inBlock = try await store.count(filtered)
        XCTAssertEqual(inBlock, (60_001...total).filter { $0 % 4 == 1 }.count)

        // Newest first across the boundary: the 2,232 even events of bucket 1, then bucket 0 from
        // its top (65,536 − 2 × 2,238 = 61,060). Both buckets were read for the page, so the
        // total is exact even above the counting limit.
        let page = try await store.search(evens, page: PageRequest(offset: 4_470, limit: 5))
        XCTAssertEqual(page.items.map(\.event.seq), [61_060, 61_058, 61_056, 61_054, 61_052])
        XCTAssertTrue(page.totalIsExact)
        XCTAssertEqual(page.total, total / 2)
        // The first page is the newest events of the newest bucket.
        let first = try await store.search(evens, page: PageRequest(offset: 0, limit: 5))
        XCTAssertEqual(first.items.map(\.event.seq), [70_000, 69_998, 69_996, 69_994, 69_992])
        // Histograms: a full bucket inside one bin is counted whole, others time by time; both
        // must give what the event times say.
        for width: Int64 in [1_000_000, 10_000_000, 100_000_000, 86_400_000_000] {
            for f in [all(), evens, late] {
                let bins = try await store.histogram(f, bucketMicroseconds: width)
                var expected: [Int64: Int] = [:]
                for i in 1...total where (f.query == evens.query ? i % 2 == 0 : true) && base + Int64(i) * 1_000 >= f.from {
                    expected[(base + Int64(i) * 1_000) / width * width, default: 0] += 1
                }
                XCTAssertEqual(bins, expected.map { TimeBucket(start: $0.key, count: $0.value) }.sorted { $0.start < $1.start }, "width \(width)")
            }
        }

        // Past its deadline, a search still fills its page (newest first) but stops counting, and
        // count-by and histograms keep what they had (here: nothing, before the first bucket).
        var hurried = evens
        hurried.deadline = .now - .seconds(1)
        let quick = try await store.search(hurried, page: PageRequest(offset: 0, limit: 5))
        XCTAssertEqual(quick.items.map(\.event.seq), [70_000, 69_998, 69_996, 69_994, 69_992])
        XCTAssertFalse(quick.totalIsExact)
        XCTAssertEqual(quick.total, (65_537...total).filter { $0 % 2 == 0 }.count, "only the newest bucket was counted")
        let hurriedTop = try await store.topValues(of: "parity", hurried, limit: 2)
        XCTAssertEqual(hurriedTop, [])
        let hurriedCount = try await store.count(hurried)
        XCTAssertEqual(hurriedCount, total / 2, "count is always exact")

        let top = try await store.topValues(of: "parity", late, limit: 2)
        XCTAssertEqual(top.map(\.count).reduce(0, +), total - 60_000)
        // The full bucket 0 is counted once, then served from the cache; both answers agree
        // with a plain count.
        let firstAll = try await store.topValues(of: "parity", all(), limit: 2)
        let againAll = try await store.topValues(of: "parity", all(), limit: 2)
        XCTAssertEqual(firstAll, [ValueCount(value: "even", count: total / 2), ValueCount(value: "odd", count: total / 2)])
        XCTAssertEqual(againAll, firstAll)
    }

    func testRolloverSealsAndReopenKeepsEverythingVerifiable() async throws {
        let clock = TestClock(base)
        var store = try makeStore(clock: clock)
        _ = try await store.append((1...10).map { event($0) })
        clock.now += 24 * 3_600_000_000
        _ = try await store.append((11...15).map { event($0) })
        let days = await store.days
        XCTAssertEqual(days.map(\.description), ["2026-11-25", "2026-11-26"])
        try await store.checkpoint()
        try await store.close()

        store = try makeStore(clock: clock)
        let report = try await store.verify()
        XCTAssertTrue(report.isIntact, "\(report.problems)")
        XCTAssertEqual(report.eventCount, 15)
        XCTAssertEqual(report.partitions.map(\.sealed), [true, false])
        let more = try await store.append([event(16)])
        XCTAssertEqual(more.seqs, 6...6, "the open day continues its chain after a restart")
        let after = try await store.verify()
        XCTAssertTrue(after.isIntact, "\(after.problems)")
        do {
            _ = try Partition.open(url: directory.appendingPathComponent("2026-11-25.db")).append([event(1)], key: key)
            XCTFail("a sealed day must refuse appends")
        } catch let error as LogStoreError {
            XCTAssertEqual(error, .partitionSealed(day: "2026-11-25"))
        }
    }

    func testCompactionKeepsEverythingAndALeftoverFromACrashIsRemoved() async throws {
        let clock = TestClock(base)
        var store = try makeStore(clock: clock)
        _ = try await store.append((1...2_000).map { event($0, fields: ["user": "u\($0 % 7)"]) })
        clock.now += 24 * 3_600_000_000
        _ = try await store.append([event(2_001)])
        let file = directory.appendingPathComponent("2026-11-25.db")
        let before = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        let beforeTop = try await store.topValues(of: "user", all(), limit: 10)
        let done = try await store.compactSealedPartitions()
        XCTAssertEqual(done.map(\.description), ["2026-11-25"])
        let after = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        XCTAssertLessThan(after, before, "compressed blocks take less room")
        let again = try await store.compactSealedPartitions()
        XCTAssertEqual(again, [], "a compacted day is not compacted twice")
        let count = try await store.count(all())
        XCTAssertEqual(count, 2_001)
        let afterTop = try await store.topValues(of: "user", all(), limit: 10)
        XCTAssertEqual(afterTop, beforeTop)
        let report = try await store.verify()
        XCTAssertTrue(report.isIntact, "the seal still holds after compaction: \(report.problems)")
        try await store.close()

        // A crash in the middle of a compaction leaves its temporary file: the next start removes it.
        let leftover = PartitionCompactor.temporaryURL(for: file)
        try Data("half-written".utf8).write(to: leftover)
        store = try makeStore(clock: clock)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover.path))
        let reopened = try await store.count(all())
        XCTAssertEqual(reopened, 2_001)
    }

    // MARK: tampering

    private func editBlock(containing seq: Int64, file: String = "2026-11-25.db",
                           _ edit: (inout [PartitionTampering.Entry]) -> Void) throws {
        try PartitionTampering.editBlock(directory.appendingPathComponent(file), containing: seq, edit)
    }

    private func tamper(_ sql: String, file: String = "2026-11-25.db") throws {
        let url = directory.appendingPathComponent(file)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: url.path)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }

    private func storeWithTenEvents(seal: Bool) async throws -> TestClock {
        let clock = TestClock(base)
        let store = try makeStore(clock: clock)
        _ = try await store.append((1...5).map { event($0) })
        _ = try await store.append((6...10).map { event($0) })
        try await store.checkpoint()
        if seal { clock.now += 24 * 3_600_000_000 }
        try await store.close()
        return clock
    }

    private func problems(_ clock: TestClock) async throws -> [LogIntegrityProblem] {
        try await makeStore(clock: clock).verify().problems
    }

    func testAlteredEventIsNamed() async throws {
        let clock = try await storeWithTenEvents(seal: false)
        try editBlock(containing: 4) { $0[3].record.message = "nothing happened" }
        let found = try await problems(clock)
        XCTAssertEqual(found, [.altered(day: "2026-11-25", seq: 4)])
    }

    func testDeletedEventIsNamed() async throws {
        let clock = try await storeWithTenEvents(seal: true)
        try editBlock(containing: 7) { $0.removeAll { $0.record.seq == 7 } }
        let found = try await problems(clock)
        XCTAssertEqual(found, [.missing(day: "2026-11-25", seqs: 7...7)])
    }

    func testSwappedEventsAreReported() async throws {
        let clock = try await storeWithTenEvents(seal: false)
        try editBlock(containing: 3) { $0.swapAt(2, 3) }
        let found = try await problems(clock)
        XCTAssertEqual(found, [.reordered(day: "2026-11-25", seq: 3)])
    }

    func testCutOffTailIsDetectedByTheCheckpoint() async throws {
        let clock = try await storeWithTenEvents(seal: false)
        try editBlock(containing: 9) { $0.removeAll { $0.record.seq > 8 } }
        try tamper("UPDATE partition_meta SET count = 8")
        let found = try await problems(clock)
        XCTAssertEqual(found, [.truncated(day: "2026-11-25", expected: 10, found: 8)])
    }

    func testRecomputedChainWithoutTheKeyIsStillCaught() async throws {
        // Someone who can write the file rewrites an event and recomputes the public SM3 chain:
        // the keyed link and the seal still expose it.
        let clock = try await storeWithTenEvents(seal: true)
        try editBlock(containing: 2) { $0[1].record.fields = #"{"user":"nobody"}"# }
        let found = try await problems(clock)
        XCTAssertEqual(found, [.altered(day: "2026-11-25", seq: 2)])
    }

    func testForgedSealAndDeletedPartition() async throws {
        let clock = try await storeWithTenEvents(seal: true)
        try tamper("UPDATE partition_meta SET seal = x'3045022100aa'")
        var found = try await problems(clock)
        XCTAssertEqual(found, [.sealInvalid(day: "2026-11-25")])

        try FileManager.default.removeItem(at: directory.appendingPathComponent("2026-11-25.db"))
        found = try await problems(clock)
        XCTAssertEqual(found, [.partitionMissing(day: "2026-11-25")])
    }

    func testDiskFullRefusesTheBatchAndKeepsStoredEvents() async throws {
        let clock = TestClock(base)
        let store = try makeStore(clock: clock)
        _ = try await store.append((1...3).map { event($0) })
        let open = await store.partitions[Day("2026-11-25")!]
        let partition = try XCTUnwrap(open)
        let pages = try await partition.database.write { try Int.fetchOne($0, sql: "PRAGMA page_count")! }
        try await partition.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = \(pages + 2)") }
        let huge = (4...400).map { event($0, message: String(repeating: "x", count: 2_000) + " \($0)") }
        do {
            _ = try await store.append(huge)
            XCTFail("a full disk must refuse the batch")
        } catch let error as LogStoreError {
            guard case .diskFull = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("disk is full"))
        }
        let count = try await store.count(all())
        XCTAssertEqual(count, 3, "nothing of the refused batch is stored")
        let next = try await store.append([event(4)])
        XCTAssertEqual(next.seqs, 4...4, "the chain did not advance over the refused batch")
        let report = try await store.verify()
        XCTAssertTrue(report.isIntact, "\(report.problems)")
    }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ start: Int64) { value = start }
    var now: Int64 {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
