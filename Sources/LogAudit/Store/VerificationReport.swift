import AnyunCore

/// What `verify` found wrong, naming the day and the event.
public enum LogIntegrityProblem: Sendable, Equatable, CustomStringConvertible {
    case altered(day: String, seq: Int64)
    case reordered(day: String, seq: Int64)
    case missing(day: String, seqs: ClosedRange<Int64>)
    case truncated(day: String, expected: Int64, found: Int64)
    case headMismatch(day: String)
    case sealInvalid(day: String)
    case sealMismatch(day: String)
    case checkpointInvalid(day: String, count: Int64)
    case partitionMissing(day: String)
    case unreadable(day: String, reason: String)

    public var description: String {
        switch self {
        case .altered(let day, let seq): "\(day) event #\(seq) was altered (its keyed chain link does not match)"
        case .reordered(let day, let seq): "\(day) event #\(seq) was reordered (it is chained at #\(seq + 1))"
        case .missing(let day, let seqs):
            seqs.count == 1 ? "\(day) event #\(seqs.lowerBound) is missing" : "\(day) events #\(seqs.lowerBound)–#\(seqs.upperBound) are missing"
        case .truncated(let day, let expected, let found):
            "\(day) ends at event #\(found) but \(expected) events were recorded: the newest \(expected - found) are missing"
        case .headMismatch(let day): "\(day) partition header does not match its events"
        case .sealInvalid(let day): "\(day) seal signature is not valid for the centre's key"
        case .sealMismatch(let day): "\(day) events do not match what the seal signed"
        case .checkpointInvalid(let day, let count): "\(day) checkpoint at event #\(count) has an invalid signature or chain head"
        case .partitionMissing(let day): "\(day) partition file is missing (the manifest records it and it was not dropped by retention)"
        case .unreadable(let day, let reason): "\(day) partition cannot be read: \(reason)"
        }
    }
}

public struct PartitionVerification: Sendable, Equatable {
    public var day: String
    public var events: Int64
    public var sealed: Bool
    /// The first problem in the partition; nil when it is intact.
    public var problem: LogIntegrityProblem?
}

public struct VerificationReport: Sendable, Equatable {
    public var partitions: [PartitionVerification]
    /// Problems not tied to an existing file (a missing partition).
    public var missing: [LogIntegrityProblem]

    public var problems: [LogIntegrityProblem] { missing + partitions.compactMap(\.problem) }
    public var isIntact: Bool { problems.isEmpty }
    public var eventCount: Int64 { partitions.reduce(0) { $0 + $1.events } }
}
