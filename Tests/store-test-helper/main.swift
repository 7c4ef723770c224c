// A sweep that dies: InventoryTests runs this, waits for its "recorded" line, and SIGKILLs it.
//
// Usage: store-test-helper DATABASE
// Takes the sweep lock, begins a snapshot of hosts h1 and h2, records h1 Win32_BIOS (ok) and
// h2 Win32_BIOS (failed), prints "recorded <snapshot id>", then blocks reading stdin.
import CIMModel
import Foundation
import Inventory

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: store-test-helper DATABASE\n".utf8))
    exit(64)
}
do {
    let store = try SnapshotStore(path: arguments[1])
    let lock = try SweepLock(databasePath: arguments[1], mode: .failIfHeld)
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let id = try store.beginSnapshot(profile: "killed", hosts: ["h1", "h2"], startedAt: start, lock: lock)
    var bios = CimInstance(className: "Win32_BIOS", namespace: "root/cimv2", host: "h1")
    bios.set("SerialNumber", .string("VMW-1234"))
    bios.set("ReleaseDate", .datetime(CimDateTime(microsecondsSinceEpoch: 1_600_000_000_000_000)))
    try store.record(Observation(snapshotID: id, host: "h1", namespace: "root/cimv2", className: "Win32_BIOS",
                                 durationMilliseconds: 12), instances: [bios])
    try store.record(Observation(snapshotID: id, host: "h2", namespace: "root/cimv2", className: "Win32_BIOS",
                                 status: .failed, errorKind: "timeout", errorDetail: "h2: receive timed out",
                                 durationMilliseconds: 10_000), instances: [])
    FileHandle.standardOutput.write(Data("recorded \(id)\n".utf8))
    while readLine() != nil {}
    withExtendedLifetime(lock) {}
} catch {
    FileHandle.standardError.write(Data("store-test-helper: \(error)\n".utf8))
    exit(2)
}
