import GRDB

/// One bucket of a partition (`PartitionSchema.bucketSize` consecutive events) and its ranges.
struct PartitionBucket: Sendable, Equatable {
    var id: Int64
    var firstSeq: Int64
    var lastSeq: Int64
    var minTS: Int64
    var maxTS: Int64
}

extension Partition {
    /// The buckets holding events of the window, newest first.
    func buckets(from: Int64, to: Int64) async throws -> [PartitionBucket] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, first_seq, last_seq, min_ts, max_ts FROM bucket WHERE max_ts >= ? AND min_ts <= ? ORDER BY id DESC
                """, arguments: [from, to]).map {
                PartitionBucket(id: $0[0], firstSeq: $0[1], lastSeq: $0[2], minTS: $0[3], maxTS: $0[4])
            }
        }
    }
}

/// A filter narrowed to one bucket: the seq range, the time check only where the bucket reaches
/// past the window, the tenant condition, and the query with its index lookups pinned to the
/// bucket so each reads one small slice of `event_field` and of the full-text index.
enum BucketScope {
    static func whereClause(_ filter: EventFilter, _ bucket: PartitionBucket) -> (String, StatementArguments) {
        // Integers the store computed, not user input: safe to write into the SQL text, and it
        // lets SQLite see the ranges when it plans.
        var sql = "e.seq BETWEEN \(bucket.firstSeq) AND \(bucket.lastSeq)"
        var arguments: StatementArguments = []
        if bucket.minTS < filter.from || bucket.maxTS > filter.to {
            sql += " AND e.ts BETWEEN ? AND ?"
            arguments += [filter.from, filter.to]
        }
        if case .only(let unit) = filter.units {
            sql += " AND e.unit_id = ?"
            arguments += [unit]
        }
        if let query = filter.sql, !query.isEmpty {
            sql += " AND (\(pin(query, to: bucket)))"
            arguments += filter.arguments
        }
        return (sql, arguments)
    }

    /// Whether the filter is the whole bucket: no query, no time edge, no tenant condition.
    static func coversWholeBucket(_ filter: EventFilter, _ bucket: PartitionBucket) -> Bool {
        (filter.sql ?? "").isEmpty && filter.units == .any && bucket.minTS >= filter.from && bucket.maxTS <= filter.to
    }

    /// Rewrites the query compiler's index lookups to stay inside the bucket. The compiler puts
    /// each lookup's whole condition in parentheses, so the bucket term applies to all of it.
    static func pin(_ query: String, to bucket: PartitionBucket) -> String {
        query
            .replacingOccurrences(of: "FROM event_field WHERE ", with: "FROM event_field WHERE bucket = \(bucket.id) AND ")
            .replacingOccurrences(of: "FROM event_fts WHERE event_fts MATCH ?",
                                  with: "FROM event_fts WHERE event_fts MATCH ? AND rowid BETWEEN \(bucket.firstSeq) AND \(bucket.lastSeq)")
    }
}
