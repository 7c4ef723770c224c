import CIMModel

/// Win32_Process generation: a realistic process tree per role, with PIDs allocated like Windows
/// (multiples of 4, reused after exit).
extension HostState {
    /// One kind of process: image name, install folder, command-line arguments, how many run.
    struct ProcessKind: Sendable {
        let name: String
        let folder: String?
        let arguments: [String]
        let count: ClosedRange<Int>
        let parent: String
        let session: UInt32
    }

    static let system32 = "C:\\Windows\\system32"

    static let baseProcesses: [ProcessKind] = [
        ProcessKind(name: "Registry", folder: nil, arguments: [], count: 1...1, parent: "System", session: 0),
        ProcessKind(name: "smss.exe", folder: nil, arguments: [], count: 1...1, parent: "System", session: 0),
        ProcessKind(name: "csrss.exe", folder: nil, arguments: [], count: 2...2, parent: "smss.exe", session: 0),
        ProcessKind(name: "wininit.exe", folder: nil, arguments: [], count: 1...1, parent: "smss.exe", session: 0),
        ProcessKind(name: "winlogon.exe", folder: system32, arguments: [], count: 1...1, parent: "smss.exe", session: 1),
        ProcessKind(name: "services.exe", folder: nil, arguments: [], count: 1...1, parent: "wininit.exe", session: 0),
        ProcessKind(name: "lsass.exe", folder: system32, arguments: [], count: 1...1, parent: "wininit.exe", session: 0),
        ProcessKind(name: "fontdrvhost.exe", folder: system32, arguments: [], count: 2...2, parent: "wininit.exe", session: 0),
        ProcessKind(name: "svchost.exe", folder: system32, arguments: [
            "-k DcomLaunch -p", "-k RPCSS -p", "-k LocalServiceNetworkRestricted -p", "-k netsvcs -p",
            "-k LocalService -p", "-k NetworkService -p", "-k LocalSystemNetworkRestricted -p", "-k utcsvc -p",
            "-k LocalServiceNoNetwork -p", "-k appmodel -p", "-k UnistackSvcGroup", "-k wsappx -p",
            "-k LocalServiceNoNetworkFirewall -p", "-k NetworkServiceNetworkRestricted -p",
        ], count: 110...140, parent: "services.exe", session: 0),
        ProcessKind(name: "dwm.exe", folder: system32, arguments: [], count: 1...1, parent: "winlogon.exe", session: 1),
        ProcessKind(name: "spoolsv.exe", folder: system32, arguments: [], count: 1...1, parent: "services.exe", session: 0),
        ProcessKind(name: "MsMpEng.exe", folder: "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0",
                    arguments: [], count: 1...1, parent: "services.exe", session: 0),
        ProcessKind(name: "NisSrv.exe", folder: "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0",
                    arguments: [], count: 1...1, parent: "services.exe", session: 0),
        ProcessKind(name: "WmiPrvSE.exe", folder: system32 + "\\wbem", arguments: ["-secured -Embedding", "-Embedding"],
                    count: 2...4, parent: "svchost.exe", session: 0),
        ProcessKind(name: "wsmprovhost.exe", folder: system32, arguments: ["-Embedding"], count: 0...2, parent: "svchost.exe", session: 0),
        ProcessKind(name: "conhost.exe", folder: system32, arguments: ["0xffffffff -ForceV1"], count: 2...8, parent: "svchost.exe", session: 0),
        ProcessKind(name: "dllhost.exe", folder: system32, arguments: ["/Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}"],
                    count: 1...3, parent: "svchost.exe", session: 0),
        ProcessKind(name: "taskhostw.exe", folder: system32, arguments: ["{222A245B-E637-4AE9-A93F-A59CA119A75E}"],
                    count: 1...2, parent: "svchost.exe", session: 1),
        ProcessKind(name: "sihost.exe", folder: system32, arguments: [], count: 1...1, parent: "svchost.exe", session: 1),
        ProcessKind(name: "RuntimeBroker.exe", folder: system32, arguments: ["-Embedding"], count: 2...6, parent: "svchost.exe", session: 1),
        ProcessKind(name: "explorer.exe", folder: "C:\\Windows", arguments: [], count: 1...1, parent: "userinit.exe", session: 1),
        ProcessKind(name: "ctfmon.exe", folder: system32, arguments: [], count: 1...1, parent: "svchost.exe", session: 1),
        ProcessKind(name: "SearchIndexer.exe", folder: system32, arguments: ["/Embedding"], count: 1...1, parent: "services.exe", session: 0),
        ProcessKind(name: "vmtoolsd.exe", folder: "C:\\Program Files\\VMware\\VMware Tools", arguments: [], count: 1...2, parent: "services.exe", session: 0),
        ProcessKind(name: "MpCmdRun.exe", folder: "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0",
                    arguments: ["SignaturesUpdateService -ScheduleJob -RestrictPrivileges"], count: 0...1, parent: "svchost.exe", session: 0),
    ]

    static func roleProcesses(_ role: HostRole) -> [ProcessKind] {
        switch role {
        case .domainController: [
            ProcessKind(name: "dns.exe", folder: system32, arguments: [], count: 1...1, parent: "services.exe", session: 0),
            ProcessKind(name: "dfsrs.exe", folder: system32, arguments: [], count: 1...1, parent: "services.exe", session: 0),
            ProcessKind(name: "ismserv.exe", folder: system32, arguments: [], count: 1...1, parent: "services.exe", session: 0),
            ProcessKind(name: "Microsoft.ActiveDirectory.WebServices.exe", folder: "C:\\Windows\\ADWS", arguments: [],
                        count: 1...1, parent: "services.exe", session: 0),
            ProcessKind(name: "dfssvc.exe", folder: system32, arguments: [], count: 1...1, parent: "services.exe", session: 0),
        ]
        case .sqlServer: [
            ProcessKind(name: "sqlservr.exe", folder: "C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn",
                        arguments: ["-sMSSQLSERVER"], count: 1...2, parent: "services.exe", session: 0),
            ProcessKind(name: "SQLAGENT.EXE", folder: "C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn",
                        arguments: ["-i MSSQLSERVER"], count: 1...1, parent: "services.exe", session: 0),
            ProcessKind(name: "sqlwriter.exe", folder: "C:\\Program Files\\Microsoft SQL Server\\90\\Shared", arguments: [],
                        count: 1...1, parent: "services.exe", session: 0),
            ProcessKind(name: "fdlauncher.exe", folder: "C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn",
                        arguments: ["-s MSSQL16.MSSQLSERVER"], count: 1...1, parent: "services.exe", session: 0),
            ProcessKind(name: "sqlceip.exe", folder: "C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn",
                        arguments: ["-Service MSSQLSERVER"], count: 1...1, parent: "services.exe", session: 0),
        ]
        case .webServer: [
            ProcessKind(name: "w3wp.exe", folder: "C:\\Windows\\System32\\inetsrv",
                        arguments: ["-ap \"DefaultAppPool\" -v \"v4.0\" -l \"webengine4.dll\" -a \\\\.\\pipe\\iisipm -h \"C:\\inetpub\\temp\\apppools\\DefaultAppPool.config\" -w \"\" -m 0 -t 20 -ta 0",
                                    "-ap \"Portal\" -v \"v4.0\" -l \"webengine4.dll\" -a \\\\.\\pipe\\iisipm -h \"C:\\inetpub\\temp\\apppools\\Portal.config\" -w \"\" -m 0 -t 20 -ta 0"],
                        count: 4...16, parent: "svchost.exe", session: 0),
            ProcessKind(name: "inetinfo.exe", folder: "C:\\Windows\\System32\\inetsrv", arguments: [], count: 0...1, parent: "services.exe", session: 0),
            ProcessKind(name: "dotnet.exe", folder: "C:\\Program Files\\dotnet", arguments: ["C:\\apps\\orders\\Orders.Api.dll"],
                        count: 1...6, parent: "w3wp.exe", session: 0),
        ]
        case .desktop: [
            ProcessKind(name: "chrome.exe", folder: "C:\\Program Files\\Google\\Chrome\\Application",
                        arguments: ["--type=renderer --lang=en-US --renderer-client-id=7", "--type=utility --utility-sub-type=network.mojom.NetworkService",
                                    "--type=gpu-process --gpu-preferences=WAAAAAAAAADgAAAMAAAAAAAAAAAAAAAAAABgAAEAAAA"],
                        count: 15...45, parent: "explorer.exe", session: 1),
            ProcessKind(name: "msedge.exe", folder: "C:\\Program Files (x86)\\Microsoft\\Edge\\Application",
                        arguments: ["--type=renderer --lang=en-US", "--type=utility --utility-sub-type=storage.mojom.StorageService"],
                        count: 5...20, parent: "explorer.exe", session: 1),
            ProcessKind(name: "ms-teams.exe", folder: "C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe",
                        arguments: [], count: 1...3, parent: "explorer.exe", session: 1),
            ProcessKind(name: "OUTLOOK.EXE", folder: "C:\\Program Files\\Microsoft Office\\root\\Office16", arguments: [],
                        count: 1...1, parent: "explorer.exe", session: 1),
            ProcessKind(name: "OneDrive.exe", folder: "C:\\Program Files\\Microsoft OneDrive", arguments: ["/background"],
                        count: 1...1, parent: "explorer.exe", session: 1),
            ProcessKind(name: "SearchHost.exe", folder: "C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy",
                        arguments: ["-ServerName:CortanaUI.AppX8z9r6jm96hw4bsbneegw0kyxx296wr9t.mca"], count: 1...1, parent: "svchost.exe", session: 1),
        ]
        }
    }

    /// Builds the starting process table: System Idle Process, System, then every kind in tree order.
    mutating func processes() -> [CimInstance] {
        var result = [
            process(name: "System Idle Process", pid: 0, parent: 0, folder: nil, arguments: nil, session: 0, created: nil),
            process(name: "System", pid: 4, parent: 0, folder: nil, arguments: nil, session: 0, created: bootTime),
        ]
        var pidsByName: [String: UInt32] = ["System": 4]
        var created = bootTime
        for kind in Self.baseProcesses + Self.roleProcesses(info.role) {
            let count = Int.random(in: kind.count, using: &generator)
            for _ in 0..<count {
                let pid = allocateProcessId()
                created += Int64.random(in: 20_000...9_000_000, using: &generator)
                let arguments = kind.arguments.isEmpty ? "" : generator.pick(kind.arguments)
                result.append(process(name: kind.name, pid: pid, parent: pidsByName[kind.parent] ?? 4_828, folder: kind.folder,
                                      arguments: arguments, session: info.os.isServer && kind.session == 1 ? 2 : kind.session,
                                      created: created))
                if pidsByName[kind.name] == nil { pidsByName[kind.name] = pid }
            }
        }
        return result
    }

    /// Windows hands out PIDs in multiples of 4 and reuses freed ones; the simulator draws from a
    /// small range so that reuse happens within a few ticks.
    mutating func allocateProcessId() -> UInt32 {
        let used = Set((instances(of: "Win32_Process") ?? []).compactMap { $0["ProcessId"].flatMap(\.integerValue) }.map(UInt32.init))
        while true {
            let candidate = UInt32.random(in: 50...4_000, using: &generator) * 4
            if !used.contains(candidate) && candidate != nextProcessId { nextProcessId = candidate; return candidate }
        }
    }

    mutating func process(name: String, pid: UInt32, parent: UInt32, folder: String?, arguments: String?,
                          session: UInt32, created: Int64?) -> CimInstance {
        let path = folder.map { $0 + "\\" + name }
        let commandLine: CimValue = switch (path, arguments) {
        case (let path?, let arguments?): .string(arguments.isEmpty ? "\"\(path)\"" : "\"\(path)\" \(arguments)")
        case (nil, _) where name == "csrss.exe": .string("%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16")
        default: .null
        }
        let workingSet = pid == 0 ? UInt64(8_192) : UInt64.random(in: 1_000_000...400_000_000, using: &generator)
        let virtualSize = workingSet * UInt64.random(in: 3...40, using: &generator) + 2_199_023_255_552
        return make("Win32_Process", [
            ("Caption", .string(name)), ("CommandLine", commandLine), ("CreationClassName", .string("Win32_Process")),
            ("CreationDate", created.map(datetime) ?? .null), ("CSCreationClassName", .string("Win32_ComputerSystem")),
            ("CSName", .string(info.hostname)), ("Description", .string(name)),
            ("ExecutablePath", path.map(CimValue.string) ?? .null), ("ExecutionState", .null), ("Handle", .string(String(pid))),
            ("HandleCount", .uint32(pid == 0 ? 0 : UInt32.random(in: 80...4_000, using: &generator))), ("InstallDate", .null),
            ("KernelModeTime", .uint64(UInt64.random(in: 0...90_000_000_000, using: &generator))),
            ("MaximumWorkingSetSize", path == nil ? .null : .uint32(1380)), ("MinimumWorkingSetSize", path == nil ? .null : .uint32(200)),
            ("Name", .string(name)), ("OSCreationClassName", .string("Win32_OperatingSystem")),
            ("OSName", .string("\(info.os.caption)|C:\\Windows|\\Device\\Harddisk0\\Partition2")),
            ("OtherOperationCount", .uint64(UInt64.random(in: 0...2_000_000, using: &generator))),
            ("OtherTransferCount", .uint64(UInt64.random(in: 0...90_000_000, using: &generator))),
            ("PageFaults", .uint32(UInt32.random(in: 0...900_000, using: &generator))),
            ("PageFileUsage", .uint32(UInt32(workingSet / 1536))), ("ParentProcessId", .uint32(parent)),
            ("PeakPageFileUsage", .uint32(UInt32(workingSet / 1024))), ("PeakVirtualSize", .uint64(virtualSize + 4_194_304)),
            ("PeakWorkingSetSize", .uint32(UInt32(workingSet / 900))), ("Priority", .uint32(pid == 0 ? 0 : 8)),
            ("PrivatePageCount", .uint64(workingSet / 2 * 3)), ("ProcessId", .uint32(pid)),
            ("QuotaNonPagedPoolUsage", .uint32(UInt32.random(in: 0...90, using: &generator))),
            ("QuotaPagedPoolUsage", .uint32(UInt32.random(in: 0...900, using: &generator))),
            ("QuotaPeakNonPagedPoolUsage", .uint32(UInt32.random(in: 0...120, using: &generator))),
            ("QuotaPeakPagedPoolUsage", .uint32(UInt32.random(in: 0...1_200, using: &generator))),
            ("ReadOperationCount", .uint64(UInt64.random(in: 0...500_000, using: &generator))),
            ("ReadTransferCount", .uint64(UInt64.random(in: 0...9_000_000_000, using: &generator))),
            ("SessionId", .uint32(session)), ("Status", .null), ("TerminationDate", .null),
            ("ThreadCount", .uint32(pid == 0 ? 4 : UInt32.random(in: 1...120, using: &generator))),
            ("UserModeTime", .uint64(UInt64.random(in: 0...50_000_000_000, using: &generator))), ("VirtualSize", .uint64(virtualSize)),
            ("WindowsVersion", .string(info.os.version)), ("WorkingSetSize", .uint64(workingSet)),
            ("WriteOperationCount", .uint64(UInt64.random(in: 0...90_000, using: &generator))),
            ("WriteTransferCount", .uint64(UInt64.random(in: 0...900_000_000, using: &generator))),
        ])
    }
}
