import ArgumentParser
import Foundation

/// `--db PATH`, shared by every command that reads or writes the snapshot store.
struct DatabaseOption: ParsableArguments {
    /// The environment variable that names the database when `--db` is not given.
    static let environmentVariable = "CIMSWEEP_DB"

    /// `$CIMSWEEP_DB` when set and not empty, else `./cimsweep.db`.
    static var defaultDatabasePath: String {
        defaultPath(environment: ProcessInfo.processInfo.environment)
    }

    static func defaultPath(environment: [String: String]) -> String {
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        return "./cimsweep.db"
    }

    @Option(name: .customLong("db"),
            help: ArgumentHelp("The snapshot database (default: $\(DatabaseOption.environmentVariable), else ./cimsweep.db).",
                               valueName: "path"))
    var path: String?

    /// The path to open: `--db`, else the default.
    var resolvedPath: String { path ?? Self.defaultDatabasePath }
}
