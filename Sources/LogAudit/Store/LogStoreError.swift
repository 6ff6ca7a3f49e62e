/// Why the event store refused or failed an operation. Every case names what it is about.
public enum LogStoreError: Error, Equatable, CustomStringConvertible {
    case emptyBatch
    case partitionExists(day: String)
    case partitionSealed(day: String)
    case corruptPartition(file: String, reason: String)
    case unknownFormat(file: String, format: Int)
    case diskFull(detail: String)
    case storageFailure(detail: String)
    case retentionTooShort(days: Int)
    case archiveConflict(day: String, reason: String)
    case notArchived(day: String)

    public var description: String {
        switch self {
        case .emptyBatch: "an empty batch cannot be appended"
        case .partitionExists(let day): "the partition for \(day) already exists"
        case .partitionSealed(let day): "the partition for \(day) is sealed and takes no more events"
        case .corruptPartition(let file, let reason): "partition file \(file) is not usable: \(reason)"
        case .unknownFormat(let file, let format): "partition file \(file) has format \(format), which this version does not know"
        case .diskFull(let detail): "the log store's disk is full; ingest stopped, stored events are intact (\(detail))"
        case .storageFailure(let detail): "the log store could not write: \(detail)"
        case .retentionTooShort(let days): "log retention of \(days) days is below the legal minimum of 180 days (Cybersecurity Law art. 21)"
        case .archiveConflict(let day, let reason): "cannot restore the partition for \(day): \(reason)"
        case .notArchived(let day): "the partition for \(day) is not sealed, so it cannot be archived yet"
        }
    }
}
