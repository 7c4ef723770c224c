import CIMModel
import Foundation

/// Generators for the one-per-host and hardware classes.
extension HostState {
    var domain: String { "corp.example.com" }
    var ipAddress: String { "10.\(20 + info.index / 62_500 % 200).\(info.index / 250 % 250).\(10 + info.index % 240)" }
    var macAddress: String {
        let bytes = [0x00, 0x15, 0x5D, (info.index >> 16) & 0xFF, (info.index >> 8) & 0xFF, info.index & 0xFF]
        return bytes.map { String(format: "%02X", $0) }.joined(separator: ":")
    }
    var memoryKB: UInt64 {
        switch info.role {
        case .sqlServer: 67_108_864
        case .domainController: 8_388_608
        case .webServer: 16_777_216
        case .desktop: 16_777_216
        }
    }

    func operatingSystem() -> CimInstance {
        let os = info.os
        return make("Win32_OperatingSystem", [
            ("BootDevice", .string("\\Device\\HarddiskVolume1")), ("BuildNumber", .string(os.buildNumber)),
            ("BuildType", .string("Multiprocessor Free")), ("Caption", .string(os.caption)), ("CodeSet", .string("1252")),
            ("CountryCode", .string("1")), ("CreationClassName", .string("Win32_OperatingSystem")),
            ("CSCreationClassName", .string("Win32_ComputerSystem")), ("CSName", .string(info.hostname)),
            ("CurrentTimeZone", .sint16(0)), ("DataExecutionPrevention_Available", .boolean(true)),
            ("DataExecutionPrevention_32BitApplications", .boolean(true)), ("DataExecutionPrevention_Drivers", .boolean(true)),
            ("DataExecutionPrevention_SupportPolicy", .uint8(os.isServer ? 3 : 2)), ("Debug", .boolean(false)),
            ("Description", .string("")), ("Distributed", .boolean(false)), ("EncryptionLevel", .uint32(256)),
            ("InstallDate", datetime(bootTime - 400 * 86_400_000_000)), ("LargeSystemCache", .null),
            ("LastBootUpTime", datetime(bootTime)), ("Locale", .string("0409")),
            ("Manufacturer", .string("Microsoft Corporation")), ("MaxNumberOfProcesses", .uint32(4_294_967_295)),
            ("MaxProcessMemorySize", .uint64(137_438_953_344)), ("MUILanguages", .array([.string("en-US")])),
            ("Name", .string("\(os.caption)|C:\\Windows|\\Device\\Harddisk0\\Partition2")),
            ("NumberOfLicensedUsers", os.isServer ? .uint32(0) : .null), ("OperatingSystemSKU", .uint32(os.isServer ? 7 : 4)),
            ("Organization", .string("Example Corp")), ("OSArchitecture", .string("64-bit")), ("OSLanguage", .uint32(1033)),
            ("OSProductSuite", .uint32(os.isServer ? 272 : 256)), ("OSType", .uint16(18)), ("OtherTypeDescription", .null),
            ("PAEEnabled", .null), ("PlusProductID", .null), ("PlusVersionNumber", .null),
            ("PortableOperatingSystem", .boolean(false)), ("Primary", .boolean(true)),
            ("ProductType", .uint32(info.role == .domainController ? 2 : os.isServer ? 3 : 1)),
            ("RegisteredUser", .string("IT")), ("SerialNumber", .string(String(format: "00377-60000-%05d-AA%03d", info.index % 100_000, info.index % 1000))),
            ("ServicePackMajorVersion", .uint16(0)), ("ServicePackMinorVersion", .uint16(0)),
            ("SizeStoredInPagingFiles", .uint64(memoryKB / 4)), ("Status", .string("OK")), ("SuiteMask", .uint32(272)),
            ("SystemDevice", .string("\\Device\\HarddiskVolume2")), ("SystemDirectory", .string("C:\\Windows\\system32")),
            ("SystemDrive", .string("C:")), ("TotalSwapSpaceSize", .null), ("TotalVirtualMemorySize", .uint64(memoryKB + memoryKB / 4)),
            ("TotalVisibleMemorySize", .uint64(memoryKB)), ("Version", .string(os.version)),
            ("WindowsDirectory", .string("C:\\Windows")), ("QuantumLength", .uint8(0)), ("QuantumType", .uint8(0)),
            ("ForegroundApplicationBoost", .uint8(2)),
        ])
    }

    /// Updates the counters of Win32_OperatingSystem that follow the rest of the state.
    mutating func refreshOperatingSystemCounters() {
        guard var os = instances(of: "Win32_OperatingSystem")?.first else { return }
        let processCount = instances(of: "Win32_Process")?.count ?? 0
        os.set("NumberOfProcesses", .uint32(UInt32(processCount)))
        os.set("NumberOfUsers", .uint32(info.role == .desktop ? 1 : UInt32(generator.next() % 3)))
        os.set("LocalDateTime", datetime(now))
        os.set("FreePhysicalMemory", .uint64(memoryKB / 8 + generator.next() % (memoryKB / 2)))
        os.set("FreeVirtualMemory", .uint64(memoryKB / 4 + generator.next() % (memoryKB / 2)))
        os.set("FreeSpaceInPagingFiles", .uint64(memoryKB / 8 + generator.next() % (memoryKB / 16)))
        store([os], as: "Win32_OperatingSystem")
    }

    func computerSystem() -> CimInstance {
        make("Win32_ComputerSystem", [
            ("AdminPasswordStatus", .uint16(3)), ("AutomaticManagedPagefile", .boolean(true)),
            ("AutomaticResetBootOption", .boolean(true)), ("AutomaticResetCapability", .boolean(true)),
            ("BootOptionOnLimit", .null), ("BootOptionOnWatchDog", .null), ("BootROMSupported", .boolean(true)),
            ("BootupState", .string("Normal boot")), ("BootStatus", .array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0].map(CimValue.uint16))),
            ("Caption", .string(info.hostname)), ("ChassisBootupState", .uint16(3)), ("ChassisSKUNumber", .null),
            ("CreationClassName", .string("Win32_ComputerSystem")), ("CurrentTimeZone", .sint16(0)),
            ("DaylightInEffect", .null), ("Description", .string("AT/AT COMPATIBLE")), ("DNSHostName", .string(info.hostname.lowercased())),
            ("Domain", .string(domain)), ("DomainRole", .uint16(info.role == .domainController ? 5 : info.os.isServer ? 3 : 1)),
            ("EnableDaylightSavingsTime", .boolean(true)), ("FrontPanelResetStatus", .uint16(3)),
            ("HypervisorPresent", .boolean(true)), ("InfraredSupported", .boolean(false)), ("InitialLoadInfo", .null),
            ("InstallDate", .null), ("KeyboardPasswordStatus", .uint16(3)), ("LastLoadInfo", .null),
            ("Manufacturer", .string(info.os.isServer ? "Microsoft Corporation" : "Dell Inc.")),
            ("Model", .string(info.os.isServer ? "Virtual Machine" : "Latitude 7440")), ("Name", .string(info.hostname)),
            ("NameFormat", .null), ("NetworkServerModeEnabled", .boolean(true)),
            ("NumberOfLogicalProcessors", .uint32(info.role == .sqlServer ? 16 : 4)), ("NumberOfProcessors", .uint32(info.role == .sqlServer ? 2 : 1)),
            ("OEMLogoBitmap", .null), ("OEMStringArray", .array([.string("[MS_VM_CERT/SHA1/9b80ca0d5dd061ec9da4e494f4c3fd1196270c22]"), .string("None")])),
            ("PartOfDomain", .boolean(true)), ("PauseAfterReset", .sint64(-1)), ("PCSystemType", .uint16(info.os.isServer ? 4 : 2)),
            ("PCSystemTypeEx", .uint16(info.os.isServer ? 4 : 2)), ("PowerManagementCapabilities", .null),
            ("PowerManagementSupported", .null), ("PowerOnPasswordStatus", .uint16(3)), ("PowerState", .uint16(0)),
            ("PowerSupplyState", .uint16(3)), ("PrimaryOwnerContact", .null), ("PrimaryOwnerName", .string("IT")),
            ("ResetCapability", .uint16(1)), ("ResetCount", .sint16(-1)), ("ResetLimit", .sint16(-1)),
            ("Roles", .array(roleNames.map(CimValue.string))), ("Status", .string("OK")), ("SupportContactDescription", .null),
            ("SystemFamily", .null), ("SystemSKUNumber", .null), ("SystemStartupDelay", .null), ("SystemStartupOptions", .null),
            ("SystemStartupSetting", .null), ("SystemType", .string("x64-based PC")), ("ThermalState", .uint16(3)),
            ("TotalPhysicalMemory", .uint64(memoryKB * 1024 - 4_194_304)),
            ("UserName", info.role == .desktop ? .string("CORP\\user\(info.index)") : .null), ("WakeUpType", .uint16(6)),
            ("Workgroup", .null),
        ])
    }

    private var roleNames: [String] {
        switch info.role {
        case .domainController: ["LM_Workstation", "LM_Server", "Primary_Domain_Controller", "Timesource", "NT", "DFS"]
        case .sqlServer: ["LM_Workstation", "LM_Server", "SQLServer", "NT", "Server_NT"]
        case .webServer: ["LM_Workstation", "LM_Server", "NT", "Server_NT"]
        case .desktop: ["LM_Workstation", "LM_Server", "NT"]
        }
    }

    func bios() -> CimInstance {
        let version = info.os.isServer ? "Hyper-V UEFI Release v4.1" : "1.\(12 + info.index % 9).0"
        return make("Win32_BIOS", [
            ("BiosCharacteristics", .array([3, 9, 15, 16, 17, 24, 32, 33, 40, 42, 43].map(CimValue.uint16))),
            ("BIOSVersion", .array([.string("VRTUAL - 1"), .string(version)])), ("BuildNumber", .null),
            ("Caption", .string(version)), ("CodeSet", .null), ("CurrentLanguage", .null), ("Description", .string(version)),
            ("EmbeddedControllerMajorVersion", .uint8(255)), ("EmbeddedControllerMinorVersion", .uint8(255)),
            ("IdentificationCode", .null), ("InstallableLanguages", .null), ("InstallDate", .null), ("LanguageEdition", .null),
            ("ListOfLanguages", .null), ("Manufacturer", .string(info.os.isServer ? "Microsoft Corporation" : "Dell Inc.")),
            ("Name", .string(version)), ("OtherTargetOS", .null), ("PrimaryBIOS", .boolean(true)),
            ("ReleaseDate", datetime(bootTime - 600 * 86_400_000_000)),
            ("SerialNumber", .string(String(format: "%04d-%04d-%04d-%04d", info.index % 10000, 7331, 2024, info.index % 9973))),
            ("SMBIOSBIOSVersion", .string(version)), ("SMBIOSMajorVersion", .uint16(3)), ("SMBIOSMinorVersion", .uint16(1)),
            ("SMBIOSPresent", .boolean(true)), ("SoftwareElementID", .string(version)), ("SoftwareElementState", .uint16(3)),
            ("Status", .string("OK")), ("SystemBiosMajorVersion", .uint8(4)), ("SystemBiosMinorVersion", .uint8(1)),
            ("TargetOperatingSystem", .uint16(0)), ("Version", .string("VRTUAL - 1")),
        ])
    }

    mutating func logicalDisks() -> [CimInstance] {
        var letters = [("C:", UInt64(127) << 30, "System")]
        if info.role == .sqlServer { letters += [("D:", UInt64(1024) << 30, "SQLData"), ("L:", UInt64(256) << 30, "SQLLogs")] }
        if info.role == .webServer || info.role == .domainController { letters.append(("D:", UInt64(200) << 30, "Data")) }
        var disks = letters.map { letter, size, label in
            make("Win32_LogicalDisk", [
                ("Access", .uint16(0)), ("Availability", .null), ("BlockSize", .null), ("Caption", .string(letter)),
                ("Compressed", .boolean(false)), ("ConfigManagerErrorCode", .null), ("ConfigManagerUserConfig", .null),
                ("CreationClassName", .string("Win32_LogicalDisk")), ("Description", .string("Local Fixed Disk")),
                ("DeviceID", .string(letter)), ("DriveType", .uint32(3)), ("ErrorCleared", .null), ("ErrorDescription", .null),
                ("ErrorMethodology", .null), ("FileSystem", .string("NTFS")),
                ("FreeSpace", .uint64(size / 4 + generator.next() % (size / 2))), ("InstallDate", .null), ("LastErrorCode", .null),
                ("MaximumComponentLength", .uint32(255)), ("MediaType", .uint32(12)), ("Name", .string(letter)),
                ("NumberOfBlocks", .null), ("PNPDeviceID", .null), ("PowerManagementCapabilities", .null),
                ("PowerManagementSupported", .null), ("ProviderName", .null), ("Purpose", .null), ("QuotasDisabled", .boolean(true)),
                ("QuotasIncomplete", .boolean(false)), ("QuotasRebuilding", .boolean(false)), ("Size", .uint64(size)),
                ("Status", .null), ("StatusInfo", .null), ("SupportsDiskQuotas", .boolean(true)),
                ("SupportsFileBasedCompression", .boolean(true)), ("SystemCreationClassName", .string("Win32_ComputerSystem")),
                ("SystemName", .string(info.hostname)), ("VolumeDirty", .boolean(false)), ("VolumeName", .string(label)),
                ("VolumeSerialNumber", .string(String(format: "%08X", UInt32(truncatingIfNeeded: generator.next())))),
            ])
        }
        if info.role == .desktop {
            disks.append(make("Win32_LogicalDisk", [
                ("Caption", .string("E:")), ("CreationClassName", .string("Win32_LogicalDisk")),
                ("Description", .string("CD-ROM Disc")), ("DeviceID", .string("E:")), ("DriveType", .uint32(5)),
                ("FreeSpace", .null), ("MediaType", .uint32(11)), ("Name", .string("E:")), ("Size", .null),
                ("SystemCreationClassName", .string("Win32_ComputerSystem")), ("SystemName", .string(info.hostname)),
            ]))
        }
        return disks
    }

    mutating func hotfixes() -> [CimInstance] {
        let count = 24 + Int(generator.next() % 13)
        return (0..<count).map { offset in hotfix(number: 5_000_000 + UInt64(info.os.buildNumber.hashValueStable % 9_000) * 20 + UInt64(offset) * 37,
                                                 installedDaysAgo: (count - offset) * 9) }
    }

    func hotfix(number: UInt64, installedDaysAgo: Int) -> CimInstance {
        let installed = Date(timeIntervalSince1970: Double(now / 1_000_000 - Int64(installedDaysAgo) * 86_400))
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: installed)
        let kind = number % 5 == 0 ? "Update" : "Security Update"
        return make("Win32_QuickFixEngineering", [
            ("Caption", .string("http://support.microsoft.com/?kbid=\(number)")), ("Description", .string(kind)),
            ("InstallDate", .null), ("Name", .null), ("Status", .null), ("CSName", .string(info.hostname)),
            ("FixComments", .string("")), ("HotFixID", .string("KB\(number)")),
            ("InstalledBy", .string(number % 3 == 0 ? "NT AUTHORITY\\SYSTEM" : "CORP\\svc-patching")),
            ("InstalledOn", .string("\(parts.month!)/\(parts.day!)/\(parts.year!)")), ("ServicePackInEffect", .string("")),
        ])
    }
}

extension String {
    /// A hash that is the same on every run (Swift's `hashValue` is randomly seeded per process).
    var hashValueStable: UInt64 {
        utf8.reduce(UInt64(1_469_598_103_934_665_603)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
}
