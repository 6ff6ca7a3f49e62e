import Foundation
import GRDB

/// What the query evaluator reads of one bucket's index: the open bucket answers from memory
/// (`BucketIndexBuilder`), a full one from its `posting` rows (`StoredBucketTerms`).
protocol BucketTermSource {
    /// Events in the bucket: positions 0 ..< eventCount.
    var eventCount: Int { get }
    func positions(of term: IndexTerm) throws -> OffsetSet
    /// The union of the values of `name` with `low <= value < high` in byte order (nil: open)
    /// that `accept` takes.
    func union(_ kind: IndexTerm.Kind, _ name: String, from low: String?, below high: String?,
               where accept: (String) -> Bool) throws -> OffsetSet
    /// How many events (inside `within`, or all) carry each value of `name`.
    func valueCounts(_ kind: IndexTerm.Kind, _ name: String, within: OffsetSet?) throws -> [ValueBytes: Int]
    /// Event times in position order.
    func times() throws -> [Int64]
}

extension BucketTermSource {
    static func inRange(_ value: String, _ low: String?, _ high: String?) -> Bool {
        if let low, value.utf8.lexicographicallyPrecedes(low.utf8) { return false }
        if let high, !value.utf8.lexicographicallyPrecedes(high.utf8) { return false }
        return true
    }
}

extension BucketIndexBuilder: BucketTermSource {
    func positions(of term: IndexTerm) -> OffsetSet {
        OffsetSet(positions(of: term).lazy.map(Int.init))
    }

    func union(_ kind: IndexTerm.Kind, _ name: String, from low: String?, below high: String?,
               where accept: (String) -> Bool) -> OffsetSet {
        var set = OffsetSet()
        for (value, positions) in values(kind, name) where Self.inRange(value, low, high) && accept(value) {
            for position in positions { set.insert(Int(position)) }
        }
        return set
    }

    func valueCounts(_ kind: IndexTerm.Kind, _ name: String, within: OffsetSet?) -> [ValueBytes: Int] {
        var counts: [ValueBytes: Int] = [:]
        for (value, positions) in values(kind, name) {
            let count = within.map { set in positions.reduce(0) { $0 + (set.contains(Int($1)) ? 1 : 0) } } ?? positions.count
            if count > 0 { counts[ValueBytes(value)] = count }
        }
        return counts
    }

    func times() -> [Int64] { eventTimes }
}

/// A full bucket's index as the partition stores it: one `posting` row per term.
struct StoredBucketTerms: BucketTermSource {
    let db: Database
    let bucket: Int64
    let eventCount: Int

    func positions(of term: IndexTerm) throws -> OffsetSet {
        var set = OffsetSet()
        let row = try Row.fetchOne(db, sql: "SELECT data FROM posting WHERE bucket = ? AND key = ?",
                                   arguments: [bucket, Data(term.key)])
        if let data = row?[0] as Data? { try Self.decode(data, into: &set) }
        return set
    }

    func union(_ kind: IndexTerm.Kind, _ name: String, from low: String?, below high: String?,
               where accept: (String) -> Bool) throws -> OffsetSet {
        var set = OffsetSet()
        try forEachValue(kind, name, from: low, below: high, columns: "key, data") { value, row in
            guard accept(value) else { return }
            try Self.decode(row[1], into: &set)
        }
        return set
    }

    func valueCounts(_ kind: IndexTerm.Kind, _ name: String, within: OffsetSet?) throws -> [ValueBytes: Int] {
        var counts: [ValueBytes: Int] = [:]
        try forEachValue(kind, name, from: nil, below: nil, columns: within == nil ? "key, n" : "key, data") { value, row in
            if let within {
                var set = OffsetSet()
                try Self.decode(row[1], into: &set)
                let count = set.intersectionCount(within)
                if count > 0 { counts[ValueBytes(value)] = count }
            } else {
                counts[ValueBytes(value)] = row[1]
            }
        }
        return counts
    }

    func times() throws -> [Int64] {
        guard let data = try Data.fetchOne(db, sql: "SELECT times FROM bucket WHERE id = ?", arguments: [bucket]) else {
            throw LogStoreError.corruptPartition(file: db.description, reason: "bucket \(bucket) has no time column")
        }
        return try data.withUnsafeBytes { try TimeColumnCodec.decode($0) }
    }

    private func forEachValue(_ kind: IndexTerm.Kind, _ name: String, from low: String?, below high: String?,
                              columns: String, _ body: (String, Row) throws -> Void) throws {
        let prefix = IndexTerm.prefix(kind, name)
        let lower = prefix + Array((low ?? "").utf8)
        let upper = high.map { prefix + Array($0.utf8) } ?? Array(prefix.dropLast()) + [1]
        let rows = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM posting WHERE bucket = ? AND key >= ? AND key < ?",
                                       arguments: [bucket, Data(lower), Data(upper)])
        while let row = try rows.next() {
            let key = row[0] as Data
            let value = String(decoding: key.dropFirst(prefix.count), as: UTF8.self)
            try body(value, row)
        }
    }

    private static func decode(_ data: Data, into set: inout OffsetSet) throws {
        do {
            try data.withUnsafeBytes { try PostingCodec.decode($0, into: &set) }
        } catch {
            throw LogStoreError.corruptPartition(file: "posting", reason: "a posting list does not decode")
        }
    }
}

/// A field value compared by its bytes: two spellings Swift calls equal (a composed and a
/// decomposed "é") are different values to the index and the matcher, so counts keep them apart.
struct ValueBytes: Hashable, Sendable {
    let utf8: [UInt8]
    init(_ value: String) { utf8 = Array(value.utf8) }
    var string: String { String(decoding: utf8, as: UTF8.self) }
}
