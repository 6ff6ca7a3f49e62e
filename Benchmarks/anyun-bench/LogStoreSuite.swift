import AnyunCore
import AnyunCrypto
import Foundation
import LogAudit
import Synchronization

/// `anyun-bench logs-fill` and `logs-search`: the event store on its own, without the network.
/// Fill writes a day of synthetic events (the mix `SyslogSynthetic` sends over syslog, decoded and
/// attributed as ingest would) and prints the append rate and the bytes per event on disk; search
/// times field, full-text and count-by queries over the last 24 hours of such a store.
enum LogStoreSuite {
    static func run(_ suite: String, _ arguments: [String]) async throws {
        switch suite {
        case "logs-fill": try await LogStoreFill(parsing: arguments).run()
        default: try await LogStoreSearch(parsing: arguments).run()
        }
    }

    /// Prints a line at once (unbuffered), so it keeps its place among the progress lines.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// A fixed chain key and seal key: the bench's stores are throwaway, and a fixed key lets
    /// logs-search open what logs-fill wrote.
    static func open(_ directory: URL, now: @escaping @Sendable () -> Int64 = { LogEvent.microseconds(Date()) })
        throws -> PartitionedEventStore {
        let signer = SM2SealSigner(key: try SM2PrivateKey(rawRepresentation: (1...32).map { UInt8($0) }))
        return try PartitionedEventStore(directory: directory, key: LogChainKey(secret: Array("anyun-bench log chain".utf8)),
                                         signer: signer, now: now)
    }

    /// A synthetic line as ingest would store it: the syslog header parsed, the decoder's fields,
    /// and the owner found from the sending host (300 hosts → 80 systems → 16 units, ids from 1).
    static func event(_ log: SyntheticLog, time: Int64, received: Int64) -> LogEvent {
        let system = SyslogSynthetic.systemIndex(ofHost: log.hostIndex)
        return LogEvent(time: time, received: received, transport: .tcp,
                        sourceAddress: SyslogSynthetic.hostAddress(log.hostIndex), facility: log.facility, severity: log.severity,
                        hostname: SyslogSynthetic.hostname(log.hostIndex), app: log.app, procID: log.procID, msgID: log.msgID,
                        message: log.message, fields: log.fields, decoder: log.decoder,
                        unitID: Int64(SyslogSynthetic.unitIndex(ofSystem: system) + 1), systemID: Int64(system + 1),
                        hostID: Int64(log.hostIndex + 1))
    }
}

/// The store's notion of "now" while filling: the arrival time of the batch being written, so a
/// day of traffic lands in the day partitions it would have, and yesterday's gets sealed at the
/// rollover exactly as on a running centre.
final class LogStoreSimulatedClock: Sendable {
    private let value: Atomic<Int64>

    init(_ start: Int64) { value = Atomic(start) }

    var now: Int64 { value.load(ordering: .relaxed) }
    func set(_ time: Int64) { value.store(time, ordering: .relaxed) }
}

/// Sizes of a store's files: partitions (`*.db` with their `-wal`/`-shm`) and the rest.
struct LogStoreDiskUsage {
    var partitionBytes = 0
    var partitionFiles = 0
    var otherBytes = 0

    init(_ directory: URL) throws {
        for url in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.fileSizeKey]) {
            let size = try url.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
            let name = url.lastPathComponent
            if name.hasSuffix(".db") || name.hasSuffix(".db-wal") || name.hasSuffix(".db-shm") {
                partitionBytes += size
                if name.hasSuffix(".db") { partitionFiles += 1 }
            } else {
                otherBytes += size
            }
        }
    }

    func describe(events: Int) -> String {
        "\(LogStoreFormat.grouped(partitionBytes)) B in \(partitionFiles) partition file(s) (incl. -wal/-shm) = "
            + String(format: "%.1f", Double(partitionBytes) / Double(max(1, events))) + " B/event"
            + " (+ \(LogStoreFormat.grouped(otherBytes)) B manifest)"
    }
}

enum LogStoreFormat {
    /// `12345678` → `12,345,678`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }
}
