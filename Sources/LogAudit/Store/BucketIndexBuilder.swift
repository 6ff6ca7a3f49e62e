/// The index of the bucket being written, in memory: term → positions, and the event times.
///
/// Building it costs a hash probe per term; it is written to the partition once, when the bucket
/// is full (or the partition closes), instead of as index rows per event. After a crash the open
/// bucket is rebuilt from its stored events.
struct BucketIndexBuilder: Sendable {
    let bucket: Int64
    private(set) var eventTimes: [Int64] = []
    private var table = TermTable()
    private var postings: [[UInt16]] = []
    /// Term ids by key prefix (kind and name), for range scans (wildcards, CIDR, exists, count-by).
    private var byName: [[UInt8]: [Int32]] = [:]
    private var scratch = IndexKeyWriter()

    init(bucket: Int64) { self.bucket = bucket }

    var eventCount: Int { eventTimes.count }
    var isFull: Bool { eventTimes.count == OffsetSet.capacity }

    /// Adds the next event of the bucket.
    mutating func add(_ record: EventRecord, fields: [String: String]) {
        let position = UInt16(truncatingIfNeeded: eventTimes.count)
        eventTimes.append(record.ts)
        var writer = IndexKeyWriter()
        swap(&writer, &scratch)
        writer.forEachKey(of: record, fields: fields) { key, prefixLength in
            let (id, isNew) = table.id(of: key)
            if isNew {
                postings.append([position])
                byName[Array(key[..<prefixLength]), default: []].append(id)
            } else if postings[Int(id)].last != position {
                postings[Int(id)].append(position)
            }
        }
        swap(&writer, &scratch)
    }

    func positions(of term: IndexTerm) -> [UInt16] {
        let key = term.key
        return key.withUnsafeBytes { table.find($0) }.map { postings[Int($0)] } ?? []
    }

    /// Values of one name with their positions, in no particular order.
    func values(_ kind: IndexTerm.Kind, _ name: String) -> [(value: String, positions: [UInt16])] {
        let prefix = IndexTerm.prefix(kind, name)
        return (byName[prefix] ?? []).map { id in
            (String(decoding: table.key(id).dropFirst(prefix.count), as: UTF8.self), postings[Int(id)])
        }
    }

    /// Every term as stored: key bytes in ascending order with its encoded positions.
    func frozen() -> [(key: ArraySlice<UInt8>, count: Int, postings: [UInt8])] {
        (0..<Int32(table.count))
            .sorted { table.precedes($0, $1) }
            .map { (key: table.key($0), count: postings[Int($0)].count, postings: PostingCodec.encode(postings[Int($0)])) }
    }
}
