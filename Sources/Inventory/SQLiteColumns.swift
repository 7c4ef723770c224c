import GRDB
import GRDBSQLite

/// The columns of the row a GRDB cursor stands on, read with SQLite's C API. Diff's hot loops use
/// it instead of `Row` subscripts: those decode each cell through generic conversions (and
/// `fetchAll` copies every row), which cost more than SQLite's own work once a diff reads 10^5
/// instance contents. GRDB still prepares, binds, steps and resets the statement; this only reads
/// cells, valid until the cursor moves on.
///
/// ```swift
/// let statement = try db.cachedStatement(sql: "SELECT id, property_values FROM instance_content WHERE id = ?")
/// let rows = try Row.fetchCursor(statement, arguments: [id])
/// let columns = SQLiteColumns(statement)
/// while try rows.next() != nil { use(columns.int64(0), columns.bytes(1)) }
/// ```
struct SQLiteColumns {
    private let statement: SQLiteStatement

    init(_ statement: Statement) { self.statement = statement.sqliteStatement }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The cell's bytes (text as UTF-8, blob as is); empty for NULL.
    func bytes(_ column: Int32) -> [UInt8] {
        withBytes(column) { Array($0) }
    }

    /// The cell as text, or nil when it is NULL.
    func text(_ column: Int32) -> String? {
        isNull(column) ? nil : withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the cell's bytes in place (text as UTF-8, blob as is; empty for NULL).
    func withBytes<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        // sqlite3_column_blob returns the text's bytes too (no conversion); the count comes after it.
        let base = sqlite3_column_blob(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        return try body(UnsafeRawBufferPointer(start: count > 0 ? base : nil, count: count))
    }
}
