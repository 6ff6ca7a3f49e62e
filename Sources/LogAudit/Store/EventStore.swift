import AnyunCore

/// Where events are kept: appended in batches (durable when the call returns), searched,
/// aggregated, verified, and dropped or archived by whole days.
public protocol EventStore: Sendable {
    /// Stores a batch durably, in order, and returns the sequence numbers it got.
    func append(_ events: [LogEvent]) async throws -> EventBatchReceipt
    func search(_ filter: EventFilter, page: PageRequest) async throws -> EventPage
    func count(_ filter: EventFilter) async throws -> Int
    func topValues(of field: String, _ filter: EventFilter, limit: Int) async throws -> [ValueCount]
    func histogram(_ filter: EventFilter, bucketMicroseconds: Int64) async throws -> [TimeBucket]
    func verify(from: Day?, to: Day?) async throws -> VerificationReport
    func event(day: Day, seq: Int64, units: UnitFilter) async throws -> StoredEvent?
}

public struct EventBatchReceipt: Sendable, Equatable {
    public var day: Day
    public var seqs: ClosedRange<Int64>
}

/// Which events a search means: a parsed query with what its meaning depends on (names, `now`),
/// a time window and the caller's tenant scope.
public struct EventFilter: Sendable {
    public var query: SearchQuery
    public var context: QueryContext
    /// Event time window in microseconds, inclusive.
    public var from: Int64
    public var to: Int64
    public var units: UnitFilter
    /// When set, only events stored by then: the last `seq` of each day at that moment (see
    /// `PartitionedEventStore.seqSnapshot`); days missing from it are left out. Lets a long
    /// export page through a fixed set while events keep arriving.
    public var seqLimits: [Day: Int64]?
    /// When set, a search stops counting once its page is full and this instant has passed
    /// (the total is then a lower bound), and count-by and histograms stop adding older buckets:
    /// the console's answer over months arrives in seconds, newest part first. `count` and
    /// `scan` ignore it.
    public var deadline: ContinuousClock.Instant?

    public init(query: SearchQuery = .all, context: QueryContext = QueryContext(), from: Int64, to: Int64, units: UnitFilter) {
        self.query = query
        self.context = context
        self.from = from
        self.to = to
        self.units = units
    }
}

/// An event with the day partition it is stored in: `day` and `event.seq` identify it.
public struct StoredEvent: Sendable, Equatable {
    public var day: Day
    public var event: LogEvent

    public var id: String { "\(day)-\(event.seq)" }
}

public struct EventPage: Sendable {
    public var items: [StoredEvent]
    /// Events matching in all searched partitions; a lower bound when `totalIsExact` is false.
    public var total: Int
    public var totalIsExact: Bool
    /// Partition days searched, newest first.
    public var partitions: [Day]
}

public struct ValueCount: Sendable, Equatable, Codable {
    public var value: String
    public var count: Int
}

public struct TimeBucket: Sendable, Equatable, Codable {
    /// Start of the bucket, microseconds since the epoch.
    public var start: Int64
    public var count: Int
}
