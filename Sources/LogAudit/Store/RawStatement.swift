import GRDB
import GRDBSQLite

/// Binds and steps a prepared statement through SQLite's C API. Storing a full bucket's index
/// inserts a hundred thousand posting rows at once; building GRDB `StatementArguments` for each
/// would cost more than SQLite's own work.
struct RawStatement {
    let handle: SQLiteStatement

    init(_ statement: Statement) { handle = statement.sqliteStatement }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else { sqlite3_bind_null(handle, index); return }
        _ = value.withUTF8 { bytes in
            if bytes.isEmpty {
                sqlite3_bind_text(handle, index, "", 0, Self.transient)
            } else {
                sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        }
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        _ = blob.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Runs the statement once and resets it for the next row.
    func step(_ db: Database) throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage)
        }
    }
}
