import ArgumentParser
import Foundation

/// `--db`: the snapshot database every store command uses.
struct DatabaseOption: ParsableArguments {
    static let environmentVariable = "CIMSWEEP_DB"
    static let fallbackPath = "cimsweep.db"

    @Option(name: .customLong("db"), help: "The SQLite snapshot database (default: $CIMSWEEP_DB, else ./cimsweep.db).")
    var explicitPath: String?

    /// The database path: `--db`, else `$CIMSWEEP_DB`, else `./cimsweep.db`.
    var path: String {
        explicitPath ?? ProcessInfo.processInfo.environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.fallbackPath
    }
}
