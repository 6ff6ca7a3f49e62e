/// The tables of one event partition (one SQLite file per day under `DATA/logs/`, days in
/// Beijing time).
///
/// - `event_block` keeps every event in arrival order (`seq` 1, 2, 3, … with no gaps) in blocks of
///   consecutive events (see `EventBlock`), each event with the first 16 bytes of its keyed chain
///   link. A block never spans two buckets.
/// - Events are grouped in buckets of `bucketSize` consecutive `seq` values. `bucket` records each
///   bucket's seq range and event-time range, so a search reads only the buckets of its window,
///   and, once the bucket is indexed, its event times as a column (`times`).
/// - `posting` is the inverted index of an indexed bucket: one row per term (`IndexTerm`: field
///   value, column value or message token) with the bucket positions holding it. The bucket being
///   written is indexed in memory (`BucketIndexBuilder`) and its rows are written once, when it is
///   full or the partition is sealed.
/// - `host_seen` is when each registered host last sent anything (for silent-host detection).
/// - `partition_meta` holds the partition's day, chain heads, seal and whether it is compacted.
enum PartitionSchema {
    static let statements: [String] = [
        """
        CREATE TABLE event_block (
            first_seq INTEGER PRIMARY KEY,
            last_seq INTEGER NOT NULL,
            codec INTEGER NOT NULL,
            data BLOB NOT NULL
        )
        """,
        """
        CREATE TABLE bucket (
            id INTEGER PRIMARY KEY,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            min_ts INTEGER NOT NULL,
            max_ts INTEGER NOT NULL,
            indexed INTEGER NOT NULL DEFAULT 0,
            times BLOB
        )
        """,
        """
        CREATE TABLE posting (
            bucket INTEGER NOT NULL,
            key BLOB NOT NULL,
            n INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (bucket, key)
        ) WITHOUT ROWID
        """,
        "CREATE TABLE host_seen (host_id INTEGER PRIMARY KEY, last_received INTEGER NOT NULL)",
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
            seal BLOB,
            compacted INTEGER NOT NULL DEFAULT 0
        )
        """,
    ]

    /// Bumped when the layout of a partition changes; a reader refuses formats it does not know.
    static let format = 3

    /// Events per bucket: positions fit 16 bits, and a day of a busy cloud is a few hundred
    /// buckets.
    static let bucketSize: Int64 = 65_536

    static func bucket(of seq: Int64) -> Int64 { (seq - 1) / bucketSize }
    static func firstSeq(of bucket: Int64) -> Int64 { bucket * bucketSize + 1 }
}
