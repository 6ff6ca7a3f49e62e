import AnyunCore
import Foundation
import GRDB
import Synchronization

/// The embedded store: one SQLite database in WAL mode inside the data directory.
public final class SQLiteStore: ChangeTracking {
    let pool: DatabasePool
    let now: @Sendable () -> Date
    private let generation = Atomic<UInt64>(0)

    /// Opens (creating if needed) `anyun.sqlite` in `directory` and applies pending migrations.
    public init(directory: URL, now: @escaping @Sendable () -> Date = { Date() }) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.maximumReaderCount = max(4, ProcessInfo.processInfo.activeProcessorCount * 2)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let path = directory.appendingPathComponent("anyun.sqlite").path
        pool = try DatabasePool(path: path, configuration: config)
        self.now = now
        try Schema.migrator().migrate(pool)
        try seedCatalog()
    }

    public var changeGeneration: UInt64 { generation.load(ordering: .acquiring) }

    /// The applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator().appliedMigrations(db) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        // Bumped after the commit (and after a rollback, harmlessly): a reader that saw the
        // old generation before its query can never cache data older than the new one.
        defer { generation.add(1, ordering: .releasing) }
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    /// Constraint failures that pre-checks should have caught still surface as conflicts, never as 500s.
    static func translate(_ error: DatabaseError) -> any Error {
        guard error.resultCode == .SQLITE_CONSTRAINT else { return error }
        let message = error.message ?? "constraint failed"
        if message.contains("append-only") || message.contains("final") || message.contains("closed") {
            return StoreError.immutable(message)
        }
        return StoreError.conflict(FieldError("", message))
    }
}

/// Encodes rows for the audit trail's before/after fields: stable key order, ISO dates.
enum AuditJSON {
    static func encode<T: Encodable>(_ value: T?) -> String? {
        guard let value else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension Row {
    /// A non-optional text column that may be stored NULL by older rows.
    func text(_ column: String) -> String { self[column] ?? "" }
}

extension Array where Element == Int64 {
    var columnText: String { map(String.init).joined(separator: ",") }
    init(columnText: String) {
        self = columnText.split(separator: ",").compactMap { Int64($0) }
    }
}
