/// The tables of one event partition (one SQLite file per day under `DATA/logs/`, days in
/// Beijing time).
///
/// - `event` keeps every event in arrival order: `seq` is 1, 2, 3, … with no gaps, `mac` is the
///   first 16 bytes of the keyed chain value (HMAC-SM3) after this event.
/// - Events are grouped in buckets of `bucketSize` consecutive `seq` values. `bucket` records each
///   bucket's seq range and event-time range, so a search reads only the buckets of its window.
/// - `event_field` is the inverted index of exact values, keyed by bucket first: one row per
///   (bucket, name, value, seq) for the header's `host`, `app`, `decoder` and every decoded field.
///   Leading with the bucket keeps ingest writing into the newest, small part of the index instead
///   of all over a B-tree that grows all day. For the sender address (`source`) and every field
///   whose value is an IP address there is one more row named `<name>#ip` whose value is the 32
///   lowercase hex digits of the address as 16 bytes (IPv4 mapped to ::ffff:a.b.c.d), so that a
///   CIDR block is one index range.
/// - `event_fts` is the FTS5 full-text index of `message` (external content, no copy).
/// - `host_seen` is when each registered host last sent anything (for silent-host detection).
/// - `partition_meta` holds the partition's day, chain heads and seal.
enum PartitionSchema {
    static let statements: [String] = [
        """
        CREATE TABLE event (
            seq INTEGER PRIMARY KEY,
            ts INTEGER NOT NULL,
            received INTEGER NOT NULL,
            transport INTEGER NOT NULL,
            source TEXT,
            facility INTEGER,
            severity INTEGER,
            host TEXT,
            app TEXT,
            procid TEXT,
            msgid TEXT,
            message TEXT NOT NULL,
            fields TEXT NOT NULL,
            decoder TEXT,
            flags INTEGER NOT NULL,
            unit_id INTEGER,
            system_id INTEGER,
            host_id INTEGER,
            mac BLOB NOT NULL
        )
        """,
        """
        CREATE TABLE bucket (
            id INTEGER PRIMARY KEY,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            min_ts INTEGER NOT NULL,
            max_ts INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE event_field (
            bucket INTEGER NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (bucket, name, value, seq)
        ) WITHOUT ROWID
        """,
        "CREATE TABLE host_seen (host_id INTEGER PRIMARY KEY, last_received INTEGER NOT NULL)",
        "CREATE VIRTUAL TABLE event_fts USING fts5(message, content='event', content_rowid='seq')",
        """
        CREATE TABLE partition_meta (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            day TEXT NOT NULL,
            format INTEGER NOT NULL,
            count INTEGER NOT NULL,
            head_mac BLOB NOT NULL,
            head_digest BLOB NOT NULL,
            min_ts INTEGER,
            max_ts INTEGER,
            sealed_at INTEGER,
            seal BLOB
        )
        """,
    ]

    /// Bumped when the layout of a partition changes; a reader refuses formats it does not know.
    static let format = 2

    /// Events per bucket: small enough that the index part being written stays in cache, large
    /// enough that a day of a busy cloud is a few hundred buckets.
    static let bucketSize: Int64 = 65_536

    static func bucket(of seq: Int64) -> Int64 { (seq - 1) / bucketSize }
}
