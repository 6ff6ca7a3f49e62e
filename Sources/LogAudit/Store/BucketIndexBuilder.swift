/// The index of the bucket being written, in memory: term → positions, and the event times.
///
/// Building it costs a few hash lookups per term; it is written to the partition once, when the
/// bucket is full (or the partition closes), instead of as index rows per event. After a crash the
/// open bucket is rebuilt from its stored events.
struct BucketIndexBuilder: Sendable {
    let bucket: Int64
    private(set) var eventTimes: [Int64] = []
    private var ids: [IndexTerm: Int32] = [:]
    private var terms: [IndexTerm] = []
    private var postings: [[UInt16]] = []
    /// Term ids by kind and name, for range scans (wildcards, CIDR, exists, count-by).
    private var byName: [NameKey: [Int32]] = [:]

    struct NameKey: Hashable, Sendable {
        var kind: IndexTerm.Kind
        var name: String
    }

    init(bucket: Int64) { self.bucket = bucket }

    var eventCount: Int { eventTimes.count }
    var isFull: Bool { eventTimes.count == OffsetSet.capacity }

    /// Adds the next event of the bucket.
    mutating func add(_ record: EventRecord, fields: [String: String]) {
        let position = UInt16(truncatingIfNeeded: eventTimes.count)
        eventTimes.append(record.ts)
        IndexTerm.forEach(of: record, fields: fields) { term in
            if let id = ids[term] {
                if postings[Int(id)].last != position { postings[Int(id)].append(position) }
            } else {
                let id = Int32(terms.count)
                ids[term] = id
                terms.append(term)
                postings.append([position])
                byName[NameKey(kind: term.kind, name: term.name), default: []].append(id)
            }
        }
    }

    func positions(of term: IndexTerm) -> [UInt16] {
        ids[term].map { postings[Int($0)] } ?? []
    }

    /// Values of one name with their positions, in no particular order.
    func values(_ kind: IndexTerm.Kind, _ name: String) -> [(value: String, positions: [UInt16])] {
        (byName[NameKey(kind: kind, name: name)] ?? []).map { (terms[Int($0)].value, postings[Int($0)]) }
    }

    /// Every term as stored: key bytes in ascending order with its encoded positions.
    func frozen() -> [(key: [UInt8], count: Int, postings: [UInt8])] {
        terms.indices
            .map { (key: terms[$0].key, count: postings[$0].count, postings: PostingCodec.encode(postings[$0])) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}
