import CIMModel
import Crypto
import Foundation
import GRDB

extension SnapshotStore {
    /// The store's tables, as append-only SQL migrations. Never edit a shipped one: add the next.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: snapshots, observations, content-addressed instances") { db in
            try db.execute(sql: """
                CREATE TABLE snapshot (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    profile TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('running','complete','partial','failed','interrupted')),
                    host_count INTEGER NOT NULL,
                    owner_pid INTEGER
                );
                CREATE TABLE snapshot_host (
                    snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
                    host TEXT NOT NULL,
                    PRIMARY KEY (snapshot_id, host)
                ) WITHOUT ROWID;
                CREATE TABLE volatility_epoch (
                    id INTEGER PRIMARY KEY,
                    signature TEXT NOT NULL UNIQUE
                );
                CREATE TABLE instance_content (
                    id INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL UNIQUE,
                    stable_hash BLOB NOT NULL,
                    epoch INTEGER NOT NULL,
                    namespace TEXT NOT NULL,
                    class TEXT NOT NULL,
                    identity TEXT,
                    properties TEXT NOT NULL
                );
                CREATE TABLE content_set (
                    id INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL UNIQUE,
                    stable_hash BLOB NOT NULL,
                    epoch INTEGER NOT NULL,
                    instance_count INTEGER NOT NULL
                );
                CREATE TABLE content_member (
                    set_id INTEGER NOT NULL,
                    ordinal INTEGER NOT NULL,
                    content_id INTEGER NOT NULL,
                    PRIMARY KEY (set_id, ordinal)
                ) WITHOUT ROWID;
                CREATE TABLE observation (
                    snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
                    host TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    class TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('ok','failed')),
                    error_kind TEXT,
                    error_detail TEXT,
                    duration_ms INTEGER NOT NULL,
                    instance_count INTEGER NOT NULL,
                    set_id INTEGER,
                    PRIMARY KEY (snapshot_id, host, namespace, class)
                ) WITHOUT ROWID;
                CREATE INDEX observation_by_host ON observation (host, namespace, class, snapshot_id);
                CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE VIEW latest_snapshot AS
                    SELECT id FROM snapshot WHERE status IN ('complete', 'partial') ORDER BY id DESC LIMIT 1;
                """)
        }
        migrator.registerMigration("v2: property values with shared layouts") { db in
            // The class views read the old column: drop them, and `refreshClassViews` makes them again.
            let views = try String.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'views.names'") ?? ""
            for name in views.split(separator: "\n") {
                try db.execute(sql: "DROP VIEW IF EXISTS \(String(name).quotedDatabaseIdentifier)")
            }
            try db.execute(sql: """
                DELETE FROM store_meta WHERE key IN ('views.fingerprint', 'views.names');
                CREATE TABLE property_layout (
                    id INTEGER PRIMARY KEY,
                    positions TEXT NOT NULL UNIQUE
                );
                ALTER TABLE instance_content ADD COLUMN layout_id INTEGER;
                """)
            try PropertyLayout.convertStoredObjects(db)
            try db.execute(sql: """
                ALTER TABLE instance_content RENAME COLUMN properties TO property_values;
                CREATE VIEW instance_properties AS
                    SELECT c.id, c.namespace, c.class, c.identity,
                        (SELECT json_group_object(p.key, c.property_values -> ('$[' || p.value || ']'))
                         FROM json_each(l.positions) p) AS properties
                    FROM instance_content c JOIN property_layout l ON l.id = c.layout_id;
                """)
        }
        return migrator
    }

    /// Migrates (read-write) or checks (read-only) the schema, refreshes the class views, and returns
    /// the id of the schemas' volatility signature (nil when read-only and never recorded).
    static func prepare(pool: DatabasePool, path: String, schemas: CimSchemaRegistry,
                        readOnly: Bool) throws(StoreError) -> Int64? {
        let migrator = Self.migrator
        let signature = volatilitySignature(schemas)
        do {
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(.schemaTooNew, path: path, "the database has migrations this cimsweep does not know")
            }
            if readOnly {
                let complete = try pool.read { db in try migrator.hasCompletedMigrations(db) }
                guard complete else {
                    throw StoreError(.invalidArgument, path: path, "not a cimsweep database (it has none of cimsweep's tables); `cimsweep collect --db \(path)` makes one")
                }
                return try pool.read { db in
                    try Int64.fetchOne(db, sql: "SELECT id FROM volatility_epoch WHERE signature = ?", arguments: [signature])
                }
            }
            try migrator.migrate(pool)
            return try pool.write { db in
                try refreshClassViews(db, schemas: schemas)
                try db.execute(sql: "INSERT OR IGNORE INTO volatility_epoch (signature) VALUES (?)", arguments: [signature])
                return try Int64.fetchOne(db, sql: "SELECT id FROM volatility_epoch WHERE signature = ?", arguments: [signature])
            }
        } catch {
            throw StoreError.wrapping(error, path: path, during: "opening the database")
        }
    }

    /// Migrates the database at `path` when an older cimsweep wrote it (it has some of `migrator`'s
    /// migrations, not all), with a read-write store opened for that alone. Not while a sweep runs
    /// (an older collector would fail midway), and never a file cimsweep did not make.
    static func migrateIfOlder(path: String, schemas: CimSchemaRegistry) throws(StoreError) {
        guard try migrationState(path: path) == .older else { return }
        let lock: SweepLock
        do { lock = try SweepLock(databasePath: path, mode: .failIfHeld) } catch {
            throw StoreError(error.kind, path: path,
                             "an older cimsweep wrote this database and a sweep is running on it; it is migrated to this version's format once no sweep runs (\(error.detail))")
        }
        defer { lock.release() }
        do {
            _ = try SnapshotStore(path: path, schemas: schemas, readOnly: false, memoryMap: 0)
        } catch {
            // Another command may have migrated it meanwhile: then there is nothing left to do.
            if (try? migrationState(path: path)) == .current { return }
            guard error.kind == .notReadOnly || error.kind == .io else { throw error }
            throw StoreError(.invalidArgument, path: path,
                             "an older cimsweep wrote this database; it must be migrated once, which needs write access (\(error.detail))")
        }
    }

    enum MigrationState { case current, older, notCimsweep, newer }

    /// Which migrations the database at `path` has, read without writing.
    static func migrationState(path: String) throws(StoreError) -> MigrationState {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                if try migrator.hasBeenSuperseded(db) { return .newer }
                if try migrator.hasCompletedMigrations(db) { return .current }
                return try migrator.appliedIdentifiers(db).isEmpty ? .notCimsweep : .older
            }
        } catch {
            throw StoreError.wrapping(error, path: path, during: "opening the database")
        }
    }

    /// Which properties of which classes are volatile, and how hashes are formed, as one string:
    /// stable hashes (content without volatile values) are comparable only between rows made under
    /// the same signature.
    static func volatilitySignature(_ schemas: CimSchemaRegistry) -> String {
        let entries = [InstanceContent.hashScheme] + schemas.all.flatMap { schema in
            schema.properties.filter(\.isVolatile).map {
                "\(schema.namespace.lowercased())/\(schema.className.lowercased()).\($0.name.lowercased())"
            }
        }
        var hasher = SHA256()
        hasher.update(data: Data(entries.sorted().joined(separator: "\n").utf8))
        return hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Recreates the typed per-class views when the schemas changed since they were made. The views are
    /// derived from `schemas`, not migrations: their definition's hash is kept in `store_meta`.
    private static func refreshClassViews(_ db: Database, schemas: CimSchemaRegistry) throws {
        let definitions = Self.classViews(schemas)
        var hasher = SHA256()
        for (name, sql) in definitions { hasher.update(data: Data((name + "\n" + sql + "\n").utf8)) }
        let fingerprint = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let stored = try String.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'views.fingerprint'")
        guard stored != fingerprint else { return }
        let oldNames = try String.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'views.names'")
        for name in (oldNames ?? "").split(separator: "\n") {
            try db.execute(sql: "DROP VIEW IF EXISTS \(String(name).quotedDatabaseIdentifier)")
        }
        for (_, sql) in definitions { try db.execute(sql: sql) }
        try db.execute(sql: "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('views.fingerprint', ?), ('views.names', ?)",
                       arguments: [fingerprint, definitions.map(\.name).joined(separator: "\n")])
    }

    /// Column names the views add before the class's own properties.
    static let viewMetaColumns = ["snapshot_id", "host", "latest"]

    /// One `CREATE VIEW` per schema class: `snapshot_id`, `host`, `latest` (1 in the newest complete
    /// or partial snapshot), then every property as a column typed by its CIM type: integers and
    /// strings cast to INTEGER and TEXT; booleans 1/0; reals REAL (NaN and ±infinity stay the text
    /// `NaN`/`INF`/`-INF`); arrays, references and embedded instances as JSON text. A property whose
    /// name clashes with a meta column gets a trailing `_`.
    static func classViews(_ schemas: CimSchemaRegistry) -> [(name: String, sql: String)] {
        var used = Set<String>(["snapshot", "snapshot_host", "instance_content", "volatility_epoch", "content_set", "content_member",
                                "observation", "store_meta", "latest_snapshot", "grdb_migrations", "property_layout",
                                "instance_properties"])
        var views: [(name: String, sql: String)] = []
        for schema in schemas.all {
            var name = schema.className
            if used.contains(name.lowercased()) { name = schema.namespace.replacingOccurrences(of: "/", with: "_") + "_" + name }
            guard used.insert(name.lowercased()).inserted else { continue }
            var columns = ["o.snapshot_id AS snapshot_id", "o.host AS host",
                           "(o.snapshot_id = (SELECT id FROM latest_snapshot)) AS latest"]
            for property in schema.properties {
                let label = property.name.replacingOccurrences(of: "\"", with: "\\\"")
                // The value's path in the values array, from the name's position in the layout.
                let path = "('$[' || (l.positions ->> \(("$.\"" + label + "\"").quotedSQLLiteral)) || ']')"
                let expression: String
                let type = property.type
                if type.isArray || type.scalar == .reference || type.scalar == .instance {
                    expression = "c.property_values -> \(path)"
                } else if type.scalar.isInteger {
                    expression = "CAST(c.property_values ->> \(path) AS INTEGER)"
                } else if type.scalar == .boolean || type.scalar == .real32 || type.scalar == .real64 {
                    expression = "c.property_values ->> \(path)"
                } else {
                    expression = "CAST(c.property_values ->> \(path) AS TEXT)"
                }
                let clashes = viewMetaColumns.contains(property.name.lowercased())
                columns.append("\(expression) AS \((clashes ? property.name + "_" : property.name).quotedDatabaseIdentifier)")
            }
            let sql = """
                CREATE VIEW \(name.quotedDatabaseIdentifier) AS SELECT \(columns.joined(separator: ", "))
                FROM observation o JOIN content_member m ON m.set_id = o.set_id
                JOIN instance_content c ON c.id = m.content_id JOIN property_layout l ON l.id = c.layout_id
                WHERE o.status = 'ok' AND o.namespace = \(schema.namespace.quotedSQLLiteral)
                AND o.class = \(schema.className.quotedSQLLiteral)
                """
            views.append((name, sql))
        }
        return views
    }
}

extension String {
    /// The string as an SQL string literal (single quotes doubled).
    var quotedSQLLiteral: String { "'" + replacingOccurrences(of: "'", with: "''") + "'" }
}
