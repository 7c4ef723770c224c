// store-bench: figures for the snapshot store and diff on a synthetic fleet (medians, wall time).
//
//   swift run -c release store-bench [--hosts 1000] [--runs 5] [--db PATH]
//   (--db keeps the database; run again with the same --db to measure the diffs only)
//
// 1. sweep A: record every host × class of a seeded fleet (~450 instances a host)
// 2. sweep B: the same data again (an unchanged re-sweep): DB growth in bytes and %
// 3. sweep C: 1% of hosts change one service each (few changes)
// 4. sweep D: every host changes ~10% of its instances (many changes)
// 5. sweep E: only volatile counters move on every process (realistic churn)
// then diffs B→B, B→C, C→D (on the default readers, and on one) and B→E (volatile ignored), each run
// --runs times; the medians of wall time and of the process's CPU time are printed.
import CIMModel
import Foundation
import Inventory
import InventoryTestSupport

struct Options {
    var hosts = 1000
    var runs = 5
    var db: String?

    init(_ arguments: [String]) throws {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--hosts": hosts = Int(value) ?? 0
            case "--runs": runs = Int(value) ?? 0
            case "--db": db = value
            default: throw BenchError("unknown flag \(flag); use --hosts N --runs N --db PATH")
            }
        }
        guard hosts > 0, runs > 0 else { throw BenchError("--hosts and --runs must be positive") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Change { case none, fewServices, manyInstances, volatileOnly }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// CPU seconds (user + system, every thread) this process has used: steadier than wall time on
/// shared cores, where other builds stretch the wall clock.
func cpuSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func sweep(_ store: SnapshotStore, hosts: [String], fleet: SyntheticFleet, change: Change, at time: Double,
           changedHosts: Set<String>) throws -> (SnapshotID, Double, Int) {
    let lock = try SweepLock(databasePath: store.path, mode: .failIfHeld)
    defer { lock.release() }
    let id = try store.beginSnapshot(profile: "bench", hosts: hosts, startedAt: Date(timeIntervalSince1970: time), lock: lock)
    var recording = 0.0
    var instances = 0
    for host in hosts {
        var rng = SplitMix64(seed: host.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) })
        for (schema, generated) in fleet.inventory(host: host) {
            var batch = generated
            switch change {
            case .none: break
            case .fewServices where changedHosts.contains(host) && schema.className == "Win32_Service":
                _ = SyntheticFleet.mutate(&batch[0], schema: schema, rng: &rng)
            case .manyInstances, .volatileOnly:
                for index in batch.indices where change == .volatileOnly || rng.next() % 10 == 0 {
                    if change == .volatileOnly {
                        for property in schema.properties where property.isVolatile && property.type.scalar.isInteger {
                            batch[index].set(property.name, .uint64(rng.next() % 1_000_000_000))
                        }
                    } else {
                        _ = SyntheticFleet.mutate(&batch[index], schema: schema, rng: &rng)
                    }
                }
            default: break
            }
            instances += batch.count
            recording += try seconds {
                try store.record(Observation(snapshotID: id, host: host, namespace: schema.namespace,
                                             className: schema.className, durationMilliseconds: 10), instances: batch)
            }
        }
    }
    try store.finishSnapshot(id, status: .complete, finishedAt: Date(timeIntervalSince1970: time + 600))
    try store.checkpoint()
    return (id, recording, instances)
}

do {
    let options = try Options(CommandLine.arguments)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { if options.db == nil { try? FileManager.default.removeItem(at: directory) } }
    let path = options.db ?? directory.appendingPathComponent("bench.db").path
    let store = try SnapshotStore(path: path)
    let fleet = SyntheticFleet(seed: 2026)
    let hosts = SyntheticFleet.hostNames(options.hosts)
    let few = Set(hosts.enumerated().filter { $0.offset % 100 == 0 }.map(\.element))
    func mb(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

    let existing = try store.snapshots().map(\.id)
    let b: SnapshotID, c: SnapshotID, d: SnapshotID, e: SnapshotID
    if existing.count == 5 {
        // A database kept from an earlier run (--db): measure the diffs only.
        (b, c, d, e) = (existing[1], existing[2], existing[3], existing[4])
        print("reusing the 5 sweeps in \(path) (\(mb(store.fileSize())))")
    } else {
        guard existing.isEmpty else { throw BenchError("\(path) holds \(existing.count) snapshots; give a new --db") }
        let (a, recordA, count) = try sweep(store, hosts: hosts, fleet: fleet, change: .none, at: 1000, changedHosts: [])
        let sizeA = store.fileSize()
        print("sweep A: \(hosts.count) hosts, \(count) instances, record \(String(format: "%.2f", recordA)) s, DB \(mb(sizeA))")
        let (bID, recordB, _) = try sweep(store, hosts: hosts, fleet: fleet, change: .none, at: 2000, changedHosts: [])
        let sizeB = store.fileSize()
        print(String(format: "sweep B (unchanged): record %.2f s, DB %@, growth %lld bytes = %.3f%%", recordB, mb(sizeB),
                     sizeB - sizeA, Double(sizeB - sizeA) / Double(sizeA) * 100))
        let (cID, recordC, _) = try sweep(store, hosts: hosts, fleet: fleet, change: .fewServices, at: 3000, changedHosts: few)
        let sizeC = store.fileSize()
        print(String(format: "sweep C (%d hosts change a service): record %.2f s, growth %.3f%%", few.count, recordC,
                     Double(sizeC - sizeB) / Double(sizeB) * 100))
        let (dID, recordD, _) = try sweep(store, hosts: hosts, fleet: fleet, change: .manyInstances, at: 4000, changedHosts: [])
        let sizeD = store.fileSize()
        print(String(format: "sweep D (~10%% of instances change): record %.2f s, growth %.1f%%", recordD,
                     Double(sizeD - sizeC) / Double(sizeC) * 100))
        let (eID, recordE, _) = try sweep(store, hosts: hosts, fleet: fleet, change: .volatileOnly, at: 5000, changedHosts: [])
        let sizeE = store.fileSize()
        print(String(format: "sweep E (volatile counters of every process move): record %.2f s, growth %.1f%%", recordE,
                     Double(sizeE - sizeD) / Double(sizeD) * 100))
        print(String(format: "DB after 5 sweeps: %@", mb(sizeE)))
        _ = a
        (b, c, d, e) = (bID, cID, dID, eID)

    }

    for (label, from, to, readers) in [("B→B (identical)", b, b, nil), ("B→C (few changes)", b, c, nil),
                                       ("C→D (many changes)", c, d, nil), ("C→D (many changes, 1 reader)", c, d, 1),
                                       ("B→E (volatile only)", b, e, nil)] as [(String, SnapshotID, SnapshotID, Int?)] {
        var times: [Double] = [], cpu: [Double] = []
        var summary = ""
        for _ in 0..<options.runs {
            var diff: SnapshotDiff?
            let cpuStart = cpuSeconds()
            times.append(try seconds { diff = try store.diff(from: .id(from), to: .id(to), options: DiffOptions(parallelism: readers)) })
            cpu.append(cpuSeconds() - cpuStart)
            let counts = diff!.counts
            summary = "\(counts.changed) hosts changed, +\(counts.added) -\(counts.removed) ~\(counts.modified)"
        }
        print(String(format: "diff %@: median %.3f s of %d runs (min %.3f, max %.3f), CPU %.3f s; %@", label, median(times),
                     options.runs, times.min()!, times.max()!, median(cpu), summary))
    }
} catch {
    FileHandle.standardError.write(Data("store-bench: \(error)\n".utf8))
    exit(1)
}
