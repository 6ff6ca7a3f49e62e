import Foundation

/// Consecutive events of one bucket stored as one row of `event_block`: for each event a varint
/// length, its canonical record (`EventRecord.canonicalBytes`, the bytes the chain hashed) and the
/// first 16 bytes of its keyed chain link. Written raw at ingest (one row per batch and bucket)
/// and repacked into larger zstd-compressed blocks when the day is compacted.
struct EventBlock: Sendable {
    enum Codec: Int64, Sendable {
        case raw = 0
        case zstd = 1
    }

    let firstSeq: Int64
    private let bytes: [UInt8]
    /// Where each entry's record starts and how long it is; its link follows it.
    private let records: [Range<Int>]

    var count: Int { records.count }
    var lastSeq: Int64 { firstSeq + Int64(records.count) - 1 }

    /// Largest block a reader accepts when decompressing (a compacted block holds 4,096 events
    /// of at most the ingest size limit each, far below this in practice).
    static let maxDecodedBytes = 512 << 20

    /// Appends one entry to a block being built.
    static func append(record: [UInt8], mac: [UInt8], to out: inout [UInt8]) {
        Varint.put(UInt64(record.count), into: &out)
        out.append(contentsOf: record)
        out.append(contentsOf: mac)
    }

    /// Reads a stored block; `expected` is the number of entries its row says it holds.
    init(firstSeq: Int64, expected: Int, codec rawCodec: Int64, data: [UInt8]) throws(BlockError) {
        self.firstSeq = firstSeq
        guard let codec = Codec(rawValue: rawCodec) else { throw BlockError("unknown codec \(rawCodec)") }
        switch codec {
        case .raw: bytes = data
        case .zstd:
            do { bytes = try Zstd.decompress(data, limit: Self.maxDecodedBytes) } catch { throw BlockError("\(error)") }
        }
        var found: [Range<Int>] = []
        found.reserveCapacity(expected)
        let parsed: Bool = bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            while !reader.isAtEnd {
                guard let length = try? reader.varint(), length <= UInt64(buffer.count) else { return false }
                let start = reader.position
                guard (try? reader.take(Int(length) + EventChain.storedMACLength)) != nil else { return false }
                found.append(start..<(start + Int(length)))
            }
            return true
        }
        guard parsed else { throw BlockError("an entry runs past the end of the block") }
        guard found.count == expected else { throw BlockError("holds \(found.count) events, its row says \(expected)") }
        records = found
    }

    func recordBytes(at index: Int) -> ArraySlice<UInt8> { bytes[records[index]] }

    func mac(at index: Int) -> ArraySlice<UInt8> {
        let end = records[index].upperBound
        return bytes[end..<(end + EventChain.storedMACLength)]
    }

    func record(at index: Int) -> EventRecord? {
        bytes.withUnsafeBytes { EventRecord(canonical: UnsafeRawBufferPointer(rebasing: $0[records[index]])) }
    }

    func record(seq: Int64) -> EventRecord? {
        let index = Int(seq - firstSeq)
        guard records.indices.contains(index) else { return nil }
        return record(at: index)
    }
}

struct BlockError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
