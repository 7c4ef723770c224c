import Foundation
import GRDB
import GRDBSQLite

/// Binds and runs a prepared statement with SQLite's C API: the store's per-instance inserts, which
/// run 10^5–10^6 times a sweep, where GRDB's argument arrays (an existential and a `DatabaseValue`
/// per cell) cost more than SQLite's own work. GRDB still prepares and caches the statement;
/// each `run` leaves it reset with no bindings, as GRDB expects to find it.
///
/// ```swift
/// let insert = SQLiteInsert(try db.cachedStatement(sql: "INSERT INTO t (a, b) VALUES (?, ?)"), db)
/// insert.bind(1, 42); insert.bind(2, "text")
/// try insert.run()
/// ```
struct SQLiteInsert {
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?
    private let sql: String

    init(_ statement: Statement, _ db: Database) {
        self.statement = statement.sqliteStatement
        connection = db.sqliteConnection
        sql = statement.sql
    }

    /// SQLite copies the bytes it is given (SQLITE_TRANSIENT), so they may be freed after the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(statement, index, value) }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    func bind(_ index: Int32, _ digest: InlineDigest) {
        digest.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// Binds UTF-8 text without copying it: `text` must stay valid and unchanged until `run` returns.
    func bind(_ index: Int32, text: UnsafeBufferPointer<UInt8>?) {
        guard let text else { sqlite3_bind_null(statement, index); return }
        guard let address = text.baseAddress else {
            // An empty buffer may have no address, and SQLite reads a null pointer as NULL, not "".
            _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
            return
        }
        _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(address).assumingMemoryBound(to: CChar.self),
                              Int32(text.count), Self.static)
    }

    /// SQLite reads the bytes where they are (SQLITE_STATIC).
    private static let `static` = unsafeBitCast(0, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: String?) {
        guard var value else { sqlite3_bind_null(statement, index); return }
        value.withUTF8 { bytes in
            _ = sqlite3_bind_text(statement, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  Int32(bytes.count), Self.transient)
        }
    }

    /// Steps the statement to its end, then resets it and clears its bindings.
    /// - Throws: `DatabaseError` with SQLite's code and message (a constraint, a full disk, …).
    func run() throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        guard code == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }
}
