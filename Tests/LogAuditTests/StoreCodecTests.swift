import AnyunCore
import Foundation
import XCTest
@testable import LogAudit

/// The partition's compact encodings: bucket position sets, posting lists, time columns and the
/// canonical event record. Each must round-trip exactly, keep its boundaries (positions 0 and
/// 65,535) and refuse damaged bytes instead of decoding them into something else.
final class StoreCodecTests: XCTestCase {
    private static let last = OffsetSet.capacity - 1

    private func descending(_ set: OffsetSet) -> [Int] {
        var out: [Int] = []
        set.forEachDescending { out.append($0); return true }
        return out
    }

    private func randomOffsets(_ rng: inout SplitMix64, count: Int) -> Set<Int> {
        Set((0..<count).map { _ in Int.random(in: 0...Self.last, using: &rng) })
    }

    // MARK: - OffsetSet

    func testOffsetSetCapacityIsOneBucket() {
        XCTAssertEqual(OffsetSet.capacity, 65_536)
        XCTAssertEqual(OffsetSet.capacity, Int(PartitionSchema.bucketSize))
    }

    func testOffsetSetBoundaries() {
        var set = OffsetSet()
        XCTAssertTrue(set.isEmpty)
        XCTAssertEqual(set.count, 0)
        set.insert(0)
        set.insert(Self.last)
        XCTAssertFalse(set.isEmpty)
        XCTAssertEqual(set.count, 2)
        XCTAssertTrue(set.contains(0))
        XCTAssertTrue(set.contains(Self.last))
        for absent in [1, 63, 64, Self.last - 1] { XCTAssertFalse(set.contains(absent), "\(absent)") }
        XCTAssertEqual(descending(set), [Self.last, 0])
        set.insert(0)
        XCTAssertEqual(set.count, 2, "inserting twice keeps one")
        XCTAssertEqual(OffsetSet([Self.last, 0, 0]), set)
    }

    func testOffsetSetFirstCount() {
        for count in [0, 1, 2, 63, 64, 65, 127, 128, 129, 4_095, 65_535, 65_536] {
            let set = OffsetSet(first: count)
            XCTAssertEqual(set.count, count, "first \(count)")
            XCTAssertEqual(set.isEmpty, count == 0)
            if count > 0 {
                XCTAssertTrue(set.contains(count - 1), "first \(count) holds its last position")
                XCTAssertTrue(set.contains(0))
            }
            if count < OffsetSet.capacity { XCTAssertFalse(set.contains(count), "first \(count) stops before \(count)") }
            XCTAssertEqual(set, OffsetSet(0..<count), "first \(count) equals inserting 0..<\(count)")
        }
    }

    func testOffsetSetAlgebraAgreesWithASetOfInts() {
        var rng = SplitMix64(seed: 11)
        for round in 0..<20 {
            let a = randomOffsets(&rng, count: round * 97)
            let b = randomOffsets(&rng, count: 3_000 - round * 120).union([0, Self.last])
            let setA = OffsetSet(a), setB = OffsetSet(b)
            XCTAssertEqual(setA.count, a.count)
            XCTAssertEqual(descending(setA), a.sorted(by: >), "descending iteration, highest first")

            var union = setA
            union.formUnion(setB)
            XCTAssertEqual(descending(union), a.union(b).sorted(by: >))
            var intersection = setA
            intersection.formIntersection(setB)
            XCTAssertEqual(descending(intersection), a.intersection(b).sorted(by: >))
            var difference = setA
            difference.subtract(setB)
            XCTAssertEqual(descending(difference), a.subtracting(b).sorted(by: >))
            XCTAssertEqual(setA.intersectionCount(setB), a.intersection(b).count)
            XCTAssertEqual(setB.intersectionCount(setA), a.intersection(b).count)
            for probe in [0, 1, 63, 64, 65, 1_000, Self.last] {
                XCTAssertEqual(setA.contains(probe), a.contains(probe), "round \(round) probe \(probe)")
            }
        }
    }

    func testOffsetSetDescendingIterationStopsWhenAsked() {
        let set = OffsetSet([0, 5, 64, 65, 700, Self.last])
        var seen: [Int] = []
        set.forEachDescending { seen.append($0); return seen.count < 3 }
        XCTAssertEqual(seen, [Self.last, 700, 65])
        seen = []
        OffsetSet().forEachDescending { seen.append($0); return true }
        XCTAssertEqual(seen, [])
        seen = []
        OffsetSet(first: OffsetSet.capacity).forEachDescending { seen.append($0); return true }
        XCTAssertEqual(seen.count, OffsetSet.capacity)
        XCTAssertEqual(seen.first, Self.last)
        XCTAssertEqual(seen.last, 0)
        XCTAssertEqual(seen, Array((0...Self.last).reversed()))
    }

    // MARK: - PostingCodec

    private func decodePostings(_ bytes: [UInt8]) throws -> OffsetSet {
        var set = OffsetSet()
        try bytes.withUnsafeBytes { try PostingCodec.decode($0, into: &set) }
        return set
    }

    func testPostingsRoundTrip() throws {
        var rng = SplitMix64(seed: 29)
        var cases: [[UInt16]] = [[], [0], [65_535], [0, 65_535], [0, 1, 2, 3], [127], [128], [16_383], [16_384],
                                 Array(0...65_535)]
        for count in [1, 10, 1_000, 30_000] {
            cases.append(randomOffsets(&rng, count: count).sorted().map { UInt16($0) })
        }
        for offsets in cases {
            let bytes = PostingCodec.encode(offsets)
            let set = try decodePostings(bytes)
            XCTAssertEqual(descending(set), offsets.reversed().map(Int.init), "\(offsets.count) offsets")
        }
        XCTAssertEqual(PostingCodec.encode([]), [])
        XCTAssertEqual(PostingCodec.encode([0]), [0], "the first gap counts from -1")
        XCTAssertEqual(PostingCodec.encode([0, 1, 2]), [0, 0, 0], "consecutive positions are zero gaps")
        XCTAssertEqual(PostingCodec.encode([65_535]), [0xFF, 0xFF, 0x03])
        XCTAssertEqual(PostingCodec.encode(Array(0...65_535)).count, 65_536, "a full bucket is one byte per event")
    }

    func testPostingsDecodeIntoAnExistingSet() throws {
        var set = OffsetSet([7, 9])
        try PostingCodec.encode([1, 9, 300]).withUnsafeBytes { try PostingCodec.decode($0, into: &set) }
        XCTAssertEqual(descending(set), [300, 9, 7, 1], "decoding adds to what the set holds")
    }

    func testMalformedPostingsThrow() {
        let malformed: [(String, [UInt8])] = [
            ("a varint cut off", [0x80]),
            ("a varint cut off after a good gap", [0x00, 0xFF]),
            ("a position past the bucket", [0xFF, 0xFF, 0x03, 0x00]),
            ("a gap of a whole bucket", [0x80, 0x80, 0x04]),
            ("a gap past 64 bits", [UInt8](repeating: 0xFF, count: 10) + [0x01]),
            ("a huge gap", [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        ]
        for (what, bytes) in malformed {
            XCTAssertThrowsError(try decodePostings(bytes), what)
        }
        XCTAssertNoThrow(try decodePostings([0xFE, 0xFF, 0x03, 0x00]), "65,534 then 65,535 is the last valid pair")
    }

    // MARK: - TimeColumnCodec

    private func decodeTimes(_ bytes: [UInt8]) throws -> [Int64] {
        try bytes.withUnsafeBytes { try TimeColumnCodec.decode($0) }
    }

    func testTimeColumnRoundTrip() throws {
        var rng = SplitMix64(seed: 31)
        let base: Int64 = 1_795_572_000_000_000
        var rising: [Int64] = []
        var time = base
        for _ in 0..<5_000 {
            time += Int64.random(in: -2_000_000...9_000_000, using: &rng)
            rising.append(time)
        }
        let cases: [[Int64]] = [
            [], [0], [base], [base, base, base], [base, base - 1, base + 1], [-1, 1, -1],
            [Int64.max, Int64.min, 0, Int64.max, Int64.min], [Int64.min], [Int64.max], rising,
        ]
        for times in cases {
            XCTAssertEqual(try decodeTimes(TimeColumnCodec.encode(times)), times)
        }
        let steady = TimeColumnCodec.encode((0..<1_000).map { base + Int64($0) * 100 })
        XCTAssertLessThan(steady.count, 1_000 * 2 + 16, "equal small steps take a byte or two each")
    }

    func testMalformedTimeColumnThrows() {
        XCTAssertThrowsError(try decodeTimes([0x80]), "a varint cut off")
        XCTAssertThrowsError(try decodeTimes(Array(TimeColumnCodec.encode([1_795_572_000_000_000]).dropLast())), "the last byte missing")
        XCTAssertThrowsError(try decodeTimes([UInt8](repeating: 0xFF, count: 11)), "a varint past 64 bits")
        XCTAssertEqual(try decodeTimes([]), [])
    }

    // MARK: - EventRecord

    private func sampleEvents() -> [LogEvent] {
        let base: Int64 = 1_795_572_000_000_000
        return [
            LogEvent(time: base, received: base + 5, transport: .udp, message: ""),
            LogEvent(time: -1, received: Int64.max, transport: .api, message: "x"),
            LogEvent(time: Int64.min, received: Int64.min, transport: .tls, sourceAddress: "2001:db8::1",
                     facility: 23, severity: 0, hostname: "主机甲", app: "sshd", procID: "1234", msgID: "-",
                     message: "用户admin登录失败，原因：密码错误 Déjà vu \u{0}after NUL",
                     fields: ["user": "root", "src_ip": "10.1.2.3", "empty": "", "quote\"key": "back\\slash\n\t\u{1}",
                              "long": String(repeating: "长", count: 400)],
                     decoder: "sshd", flags: [.parseError, .hadNUL], unitID: -3, systemID: 0, hostID: Int64.max),
            LogEvent(time: base, received: base, transport: .tcp, sourceAddress: "", facility: 0, severity: 7,
                     hostname: "", app: "", procID: "", msgID: "", message: String(repeating: "m", count: 70_000),
                     fields: ["a": "1"], decoder: "", flags: [.truncated, .invalidEncoding, .convertedFromGBK],
                     unitID: 1, systemID: 2, hostID: 3),
        ]
    }

    func testCanonicalRecordRoundTrip() throws {
        for (index, event) in sampleEvents().enumerated() {
            let seq = Int64(index + 1) * 65_536
            let record = EventRecord(event, seq: seq)
            let bytes = record.canonicalBytes
            let decoded = try XCTUnwrap(EventRecord(canonical: bytes), "record \(index)")
            XCTAssertEqual(decoded, record, "record \(index)")
            XCTAssertEqual(decoded.canonicalBytes, bytes, "record \(index): re-encoding gives the same bytes")
            var expected = event
            expected.seq = seq
            XCTAssertEqual(decoded.event, expected, "record \(index): the event comes back as it was appended")
        }
    }

    func testCanonicalRecordsDifferWhenOneColumnDiffers() {
        let base = EventRecord(sampleEvents()[2], seq: 9)
        var absent = base
        absent.source = nil
        var empty = base
        empty.source = ""
        var moved = base
        moved.host = nil
        moved.app = "主机甲"
        let encodings = [base, absent, empty, moved].map(\.canonicalBytes)
        XCTAssertEqual(Set(encodings).count, encodings.count, "absent, empty and moved values encode differently")
    }

    func testTruncatedOrExtendedRecordIsNil() {
        for event in sampleEvents().prefix(3) {
            let bytes = EventRecord(event, seq: 42).canonicalBytes
            for length in 0..<bytes.count {
                XCTAssertNil(EventRecord(canonical: Array(bytes.prefix(length))), "\(length) of \(bytes.count) bytes")
            }
            XCTAssertNil(EventRecord(canonical: bytes + [0]), "a trailing byte")
            XCTAssertNil(EventRecord(canonical: bytes + bytes), "two records")
        }
    }

    func testWrongTagsAreNil() {
        let bytes = EventRecord(sampleEvents()[0], seq: 1).canonicalBytes
        XCTAssertEqual(bytes.first, 1, "seq is an integer")
        var textSeq = bytes
        textSeq[0] = 2
        XCTAssertNil(EventRecord(canonical: textSeq), "seq written as text")
        var absentSeq = bytes
        absentSeq[0] = 0
        XCTAssertNil(EventRecord(canonical: absentSeq), "seq absent")
        var unknown = bytes
        unknown[0] = 3
        XCTAssertNil(EventRecord(canonical: unknown), "unknown tag")
        // The message (tag 2, required) of a record with no optional values: seq, ts, received,
        // transport, then source, facility, severity, host, app, procid, msgid absent.
        let header: [UInt8] = Array([Int64(1), 1_795_572_000_000_000, 1_795_572_000_000_005, 0].map { value -> [UInt8] in
            var out: [UInt8] = [1]
            Varint.put(signed: value, into: &out)
            return out
        }.joined())
        let messageTag = header.count + 7
        XCTAssertEqual(Array(bytes.prefix(messageTag)), header + [0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(bytes[messageTag], 2)
        var absentMessage = bytes
        absentMessage[messageTag] = 0
        XCTAssertNil(EventRecord(canonical: absentMessage), "the message is required")
        var hugeLength = Array(bytes.prefix(messageTag + 1))
        Varint.put(UInt64(Int32.max) + 1, into: &hugeLength)
        XCTAssertNil(EventRecord(canonical: hugeLength + bytes.dropFirst(messageTag + 2)), "a length past the bytes")
    }

    func testFieldsJSONIsSortedEscapedAndReadsBack() {
        let fields = ["zeta": "last", "a": "first", "q": "say \"hi\"\\ now", "ctl": "tab\there\nnl\u{01}\u{1F}",
                      "中文": "用户登录", "empty": ""]
        let text = FieldsJSON.encode(fields)
        XCTAssertEqual(text, #"{"a":"first","ctl":"tab\there\nnl\u0001\u001f","empty":"","q":"say \"hi\"\\ now","zeta":"last","中文":"用户登录"}"#)
        XCTAssertEqual(FieldsJSON.decode(text), fields)
        XCTAssertEqual(FieldsJSON.encode([:]), "{}")
        XCTAssertEqual(FieldsJSON.decode("{}"), [:])
        XCTAssertEqual(FieldsJSON.decode("not json"), [:], "an unreadable stored value reads as no fields")
    }
}
