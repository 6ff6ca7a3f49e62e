/// The tables of one event partition (one SQLite file per UTC day under `DATA/logs/`).
///
/// - `event` keeps every event in arrival order: `seq` is 1, 2, 3, … with no gaps, `mac` is the
///   first 16 bytes of the keyed chain value (HMAC-SM3) after this event.
/// - `event_field` is the inverted index of exact values: one row per (name, value, seq) for the
///   header's `host`, `app`, `decoder` and every decoded field. For the sender address (`source`)
///   and every field whose value is an IP address there is one more row named `<name>#ip` whose
///   value is the 32 lowercase hex digits of the address as 16 bytes (IPv4 mapped to
///   ::ffff:a.b.c.d), so that a CIDR block is one index range.
/// - `event_fts` is the FTS5 full-text index of `message` (external content, no copy).
/// - `partition_meta` holds the partition's day and seal; `checkpoint` the signed chain heads.
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
        "CREATE INDEX event_ts ON event(ts)",
        "CREATE INDEX event_unit_ts ON event(unit_id, ts)",
        """
        CREATE TABLE event_field (
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (name, value, seq)
        ) WITHOUT ROWID
        """,
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
    static let format = 1
}
