import CIMModel
import Foundation
import Inventory

/// A small hand-made fleet in two snapshots, with the changes every saved query looks for:
///
/// | | snapshot 1 (t=1000) | snapshot 2 (t=2000) |
/// |---|---|---|
/// | web-1 | Spooler Auto/Running, W32Time Auto/Running | Spooler stopped, W32Time disabled; notepad from Temp starts; PID 880 reused; KB3 installed; adapter 1 Gb → 100 Mb |
/// | web-2 | D: 10 % free | D: 3 % free; adapter Up → Disconnected; lacks KB3 that its peer web-1 has |
/// | db-1 | Server 2019 | Win32_Service fails (timeout) |
/// | lost-1 | complete | planned but never reached |
struct SavedQueryFixture {
    let test: TestStore
    let first: SnapshotID
    let second: SnapshotID

    static let schemas = CimSchemaRegistry.builtin

    init() throws {
        test = try TestStore()
        first = try Self.record(test, at: 1000, planned: ["db-1", "lost-1", "web-1", "web-2"], status: .complete) { host in
            Self.inventory(host, snapshot: 1)
        }
        second = try Self.record(test, at: 2000, planned: ["db-1", "lost-1", "web-1", "web-2"], status: .partial) { host in
            host == "lost-1" ? nil : Self.inventory(host, snapshot: 2)
        }
    }

    var store: SnapshotStore { test.store }

    /// Records one sweep; `inventory` returns nil for a host the sweep never reached, and a class
    /// mapped to nil failed with a timeout.
    static func record(_ test: TestStore, at seconds: TimeInterval, planned: [String], status: SnapshotStatus,
                       inventory: (String) -> [(String, [CimInstance]?)]?) throws -> SnapshotID {
        let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
        defer { lock.release() }
        let id = try test.store.beginSnapshot(profile: "default", hosts: planned, startedAt: .at(seconds), lock: lock)
        for host in planned {
            guard let classes = inventory(host) else { continue }
            for (className, instances) in classes {
                let schema = schemas.all.first { $0.className == className }!
                try test.store.record(Observation(snapshotID: id, host: host, namespace: schema.namespace, className: className,
                                                  status: instances == nil ? .failed : .ok,
                                                  errorKind: instances == nil ? "timeout" : nil,
                                                  errorDetail: instances == nil ? "\(host): receive timed out" : nil),
                                      instances: instances ?? [])
            }
        }
        try test.store.finishSnapshot(id, status: status, finishedAt: .at(seconds + 60))
        return id
    }

    static func instance(_ className: String, _ values: [(String, CimValue)]) -> CimInstance {
        let schema = schemas.all.first { $0.className == className }!
        return CimInstance(className: className, namespace: schema.namespace,
                           properties: values.map { CimProperty(name: $0.0, value: $0.1) }, keyNames: schema.keys)
    }

    static func date(_ seconds: Int64) -> CimValue { .datetime(CimDateTime(microsecondsSinceEpoch: seconds * 1_000_000)) }

    static func inventory(_ host: String, snapshot: Int) -> [(String, [CimInstance]?)] {
        let later = snapshot == 2
        let server2019 = host == "db-1"
        let os = instance("Win32_OperatingSystem", [
            ("Caption", .string(server2019 ? "Microsoft Windows Server 2019 Standard" : "Microsoft Windows Server 2022 Standard")),
            ("Version", .string(server2019 ? "10.0.17763" : "10.0.20348")),
            ("BuildNumber", .string(server2019 ? "17763" : "20348")),
            ("FreePhysicalMemory", .uint64(later ? 1_000 : 2_000)),
        ])
        func service(_ name: String, _ mode: String, _ state: String) -> CimInstance {
            instance("Win32_Service", [("Name", .string(name)), ("DisplayName", .string(name + " service")),
                                       ("StartMode", .string(mode)), ("State", .string(state)), ("ExitCode", .uint32(0))])
        }
        let changedHere = later && host == "web-1"
        let services: [CimInstance]? = later && host == "db-1" ? nil : [
            service("Spooler", "Auto", changedHere ? "Stopped" : "Running"),
            service("W32Time", changedHere ? "Disabled" : "Auto", "Running"),
            service("wuauserv", "Manual", "Stopped"),
        ]
        func process(_ pid: String, _ created: Int64, _ name: String, _ path: String?) -> CimInstance {
            var values: [(String, CimValue)] = [("Handle", .string(pid)), ("CreationDate", date(created)), ("Name", .string(name))]
            if let path { values.append(("ExecutablePath", .string(path))) }
            values.append(("WorkingSetSize", .uint64(later ? 9_000 : 8_000)))
            return instance("Win32_Process", values)
        }
        var processes = [process("4", 100, "System", nil),
                         process("880", changedHere ? 1500 : 200, "svchost.exe", #"C:\Windows\System32\svchost.exe"#),
                         process("1234", 300, "app.exe", #"C:\Program Files\App\app.exe"#)]
        if changedHere { processes.append(process("4242", 1600, "notepad.exe", #"C:\Users\bob\AppData\Local\Temp\notepad.exe"#)) }
        func hotfix(_ id: String) -> CimInstance {
            instance("Win32_QuickFixEngineering", [("HotFixID", .string(id)), ("ServicePackInEffect", .string("")),
                                                   ("Description", .string("Security Update"))])
        }
        let hotfixes = server2019 ? [hotfix("KB9")] : [hotfix("KB1"), hotfix("KB2")] + (changedHere ? [hotfix("KB3")] : [])
        func disk(_ id: String, size: UInt64, free: UInt64) -> CimInstance {
            instance("Win32_LogicalDisk", [("DeviceID", .string(id)), ("DriveType", .uint32(3)), ("FileSystem", .string("NTFS")),
                                           ("Size", .uint64(size)), ("FreeSpace", .uint64(free)), ("VolumeName", .string(""))])
        }
        var disks = [disk("C:", size: 100_000, free: 50_000)]
        if host == "web-2" { disks.append(disk("D:", size: 100_000, free: later ? 3_000 : 10_000)) }
        let adapter = instance("MSFT_NetAdapter", [
            ("CreationClassName", .string("MSFT_NetAdapter")), ("DeviceID", .string("{0001}")),
            ("SystemCreationClassName", .string("CIM_NetworkPort")), ("SystemName", .string(host)),
            ("Name", .string("Ethernet0")),
            ("Status", .string(later && host == "web-2" ? "Disconnected" : "Up")),
            ("Speed", .uint64(changedHere ? 100_000_000 : 1_000_000_000)),
        ])
        return [("Win32_OperatingSystem", [os]), ("Win32_Service", services), ("Win32_Process", processes),
                ("Win32_QuickFixEngineering", hotfixes), ("Win32_LogicalDisk", disks), ("MSFT_NetAdapter", [adapter])]
    }

    /// Runs a built-in saved query; cells as plain strings ("" for NULL) for easy comparison.
    func run(_ name: String, _ parameters: [String: String] = [:]) throws -> (columns: [String], rows: [[String]]) {
        guard let query = SavedQuery.builtin.first(where: { $0.name == name }) else {
            throw StoreError(.notFound, path: "", "no built-in query \(name)")
        }
        let result = try store.run(query, parameters: parameters)
        return (result.columns, result.rows.map { $0.map(Self.text) })
    }

    static func text(_ value: QueryValue) -> String {
        switch value {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        case .blob(let v): v.base64EncodedString()
        }
    }
}
