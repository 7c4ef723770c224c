import CIMModel

/// One seeded step of a host's life: processes come and go, services flip, hotfixes land,
/// disks fill, an adapter drops, counters move. The truth is computed by diffing before and after.
extension HostState {
    static let tickLength: Int64 = 5 * 60 * 1_000_000
    /// Processes that may exit or start during a tick; system processes never do.
    static let transientNames: Set<String> = ["chrome.exe", "msedge.exe", "conhost.exe", "dllhost.exe", "WmiPrvSE.exe",
                                              "w3wp.exe", "dotnet.exe", "RuntimeBroker.exe", "wsmprovhost.exe",
                                              "MpCmdRun.exe", "taskhostw.exe", "SearchHost.exe"]

    mutating func tick() -> HostDrift {
        let before = classes
        tickCount += 1
        now += Self.tickLength
        driftProcesses()
        driftServices()
        driftHotfixes()
        driftDisks()
        driftAdapter()
        refreshOperatingSystemCounters()
        var drifts: [ClassDrift] = []
        for key in classes.keys.sorted() {
            guard let after = classes[key], let first = after.first ?? before[key]?.first,
                  let schema = schemas.schema(className: key == "win32_service" ? "Win32_Service" : first.className)
            else { continue }
            let drift = ClassDrift.between(before[key] ?? [], after, schema: schema)
            if !drift.isEmpty { drifts.append(drift) }
        }
        return HostDrift(hostname: info.hostname, address: info.address, classes: drifts)
    }

    private mutating func driftProcesses() {
        guard var list = instances(of: "Win32_Process") else { return }
        let exits = Int.random(in: 1...6, using: &generator)
        for _ in 0..<exits {
            let candidates = list.indices.filter { Self.transientNames.contains(list[$0].name) }
            guard let victim = candidates.randomElement(using: &generator) else { break }
            list.remove(at: victim)
        }
        store(list, as: "Win32_Process")
        let kinds = (Self.baseProcesses + Self.roleProcesses(info.role)).filter { Self.transientNames.contains($0.name) }
        let starts = Int.random(in: 1...6, using: &generator)
        for offset in 0..<starts {
            guard let kind = kinds.randomElement(using: &generator) else { break }
            let pid = allocateProcessId()
            let parent = list.first { $0.name == kind.parent }?["ProcessId"]?.integerValue.map(UInt32.init) ?? 4
            let arguments = kind.arguments.isEmpty ? "" : generator.pick(kind.arguments)
            list.append(process(name: kind.name, pid: pid, parent: parent, folder: kind.folder, arguments: arguments,
                                session: kind.session, created: now - Int64(offset + 1) * 7_000_000))
            store(list, as: "Win32_Process")
        }
        for index in list.indices where index > 1 {
            for name in ["WorkingSetSize", "KernelModeTime", "UserModeTime", "ReadOperationCount", "ReadTransferCount"] {
                if case .uint64(let value)? = list[index][name] {
                    list[index].set(name, .uint64(value &+ UInt64.random(in: 0...900_000, using: &generator)))
                }
            }
            if case .uint32(let value)? = list[index]["HandleCount"] {
                list[index].set("HandleCount", .uint32(value &+ UInt32.random(in: 0...40, using: &generator)))
            }
        }
        store(list, as: "Win32_Process")
    }

    private mutating func driftServices() {
        guard var list = instances(of: "Win32_Service"), !list.isEmpty else { return }
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let index = Int.random(in: 0..<list.count, using: &generator)
            let running = list[index]["State"]?.stringValue == "Running"
            list[index].set("State", .string(running ? "Stopped" : "Running"))
            list[index].set("Started", .boolean(!running))
            list[index].set("AcceptStop", .boolean(!running))
            list[index].set("ProcessId", .uint32(running ? 0 : UInt32.random(in: 100...4_000, using: &generator) * 4))
            list[index].set("ExitCode", .uint32(running ? 1077 : 0))
        }
        if generator.chance(0.3) {
            let index = Int.random(in: 0..<list.count, using: &generator)
            let mode = list[index]["StartMode"]?.stringValue
            list[index].set("StartMode", .string(mode == "Auto" ? "Manual" : mode == "Manual" ? "Disabled" : "Auto"))
        }
        store(list, as: "Win32_Service")
    }

    private mutating func driftHotfixes() {
        guard generator.chance(0.3), var list = instances(of: "Win32_QuickFixEngineering") else { return }
        let number = 5_050_000 + UInt64(tickCount) * 1_013 + UInt64(info.index % 7)
        list.append(hotfix(number: number, installedDaysAgo: 0))
        store(list, as: "Win32_QuickFixEngineering")
    }

    private mutating func driftDisks() {
        guard var list = instances(of: "Win32_LogicalDisk") else { return }
        for index in list.indices {
            guard case .uint64(let free)? = list[index]["FreeSpace"], case .uint64(let size)? = list[index]["Size"] else { continue }
            let delta = Int64.random(in: -2_000_000_000...1_500_000_000, using: &generator)
            let moved = min(size, UInt64(max(0, Int64(free) + delta)))
            list[index].set("FreeSpace", .uint64(moved))
        }
        store(list, as: "Win32_LogicalDisk")
    }

    private mutating func driftAdapter() {
        guard var list = instances(of: "MSFT_NetAdapter"), !list.isEmpty else { return }
        let isUp = list[0]["MediaConnectState"] == .uint32(1)
        guard isUp ? generator.chance(0.05) : generator.chance(0.6) else { return }
        list[0].set("MediaConnectState", .uint32(isUp ? 2 : 1))
        list[0].set("InterfaceOperationalStatus", .uint32(isUp ? 2 : 1))
        list[0].set("OperationalStatusDownMediaDisconnected", .boolean(isUp))
        list[0].set("State", .uint32(isUp ? 3 : 2))
        store(list, as: "MSFT_NetAdapter")
    }
}
