import GRDB

/// A snapshot store failure: what happened to which database, and what to do about it.
///
/// ```swift
/// do { try store.finishSnapshot(id, status: .complete, finishedAt: now) }
/// catch let error as StoreError where error.kind == .notFound { … }
/// ```
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for matching in a `catch`.
    public struct Kind: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Another sweep holds the sweep lock, or SQLite stayed busy past the timeout.
        public static let locked = Kind(rawValue: "locked")
        /// The file is not an SQLite database, or SQLite found it damaged.
        public static let corrupt = Kind(rawValue: "corrupt")
        /// The database was written by a newer cimsweep (unknown migrations).
        public static let schemaTooNew = Kind(rawValue: "schema-too-new")
        /// A database, snapshot or reference that does not exist.
        public static let notFound = Kind(rawValue: "not-found")
        /// A read-only query tried to write, attach or run several statements.
        public static let notReadOnly = Kind(rawValue: "not-read-only")
        /// An argument the store cannot use (bad SQL, a bad snapshot reference, a wrong lock).
        public static let invalidArgument = Kind(rawValue: "invalid-argument")
        /// Any other SQLite or file-system failure.
        public static let io = Kind(rawValue: "io")
    }

    public let kind: Kind
    /// The database file.
    public let path: String
    /// What happened; never contains query parameter values.
    public let detail: String

    public init(_ kind: Kind, path: String, _ detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" + (hint.map { ". \($0)" } ?? "") }

    var hint: String? {
        switch kind {
        case .locked: "Wait for the other sweep to finish, or pass --wait to queue behind it"
        case .corrupt: "Restore the database from a backup, or move it aside to start a new one"
        case .schemaTooNew: "Use the cimsweep version that wrote this database, or a newer one"
        case .notReadOnly: "Queries are read-only: use SELECT/WITH/VALUES/EXPLAIN, one statement, no ATTACH or PRAGMA"
        default: nil
        }
    }

    /// Maps a GRDB error to a store error with the operation that failed.
    static func wrapping(_ error: any Error, path: String, during operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let db = error as? DatabaseError else {
            return StoreError(.io, path: path, "\(operation) failed: \(error)")
        }
        let message = db.message ?? "SQLite error \(db.extendedResultCode.rawValue)"
        switch db.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError(.corrupt, path: path, "\(operation) failed: \(message)")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(.locked, path: path, "\(operation) failed: the database is busy (\(message))")
        case .SQLITE_READONLY, .SQLITE_AUTH:
            return StoreError(.notReadOnly, path: path, "\(operation) refused: \(message)")
        case .SQLITE_ERROR:
            return StoreError(.invalidArgument, path: path, "\(operation) failed: \(message)")
        default:
            return StoreError(.io, path: path, "\(operation) failed: \(message)")
        }
    }
}
