import ArgumentParser
import Collector
import Foundation
import Inventory

/// `cimsweep prune`: drop old snapshots, and the instance contents only they used.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete old snapshots (and content no remaining snapshot uses).",
        discussion: "Takes the sweep lock, so it never races a running collect; a running snapshot is never removed."
    )

    @OptionGroup var database: DatabaseOption

    @Option(help: "Keep the newest N snapshots.")
    var keep: Int?

    @Option(name: .customLong("older-than"), help: "Delete snapshots started longer ago than this (e.g. 30d, 12h).")
    var olderThan: String?

    @Flag(help: "VACUUM afterwards to return the freed space to the file system (rewrites the file).")
    var vacuum = false

    @Flag(help: "Wait for a running sweep to finish instead of exiting with status 75.")
    var wait = false

    func validate() throws {
        guard keep != nil || olderThan != nil else { throw ValidationError("give --keep N and/or --older-than AGE") }
        if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
        if let olderThan, DurationText.parse(olderThan) == nil { throw ValidationError("--older-than: expected an age such as 30d or 12h") }
    }

    func run() async throws {
        let cutoff = olderThan.flatMap(DurationText.parse).map { Date().addingTimeInterval(-Double($0 / .milliseconds(1)) / 1000) }
        do {
            let lock = try await SweepLock.acquire(databasePath: database.path, mode: wait ? .wait : .failIfHeld)
            defer { lock.release() }
            let result = try SnapshotStore(path: database.path).prune(keep: keep, olderThan: cutoff, vacuum: vacuum)
            let ids = result.removed.map(\.description).joined(separator: ", ")
            print("removed \(result.removed.count) snapshot(s)\(ids.isEmpty ? "" : " (\(ids))"), \(result.contentsRemoved) unused instance(s); "
                  + "\(result.bytesBefore) → \(result.bytesAfter) bytes")
        } catch {
            CLIErrors.printError("\(error)")
            throw error.kind == .locked ? ExitCodes.lockHeld : ExitCodes.failure
        }
    }
}
