import CIMModel

/// Generators for the network classes: Win32_NetworkAdapterConfiguration, MSFT_NetAdapter, MSFT_NetIPAddress.
extension HostState {
    private static let virtualAdapters = [
        "WAN Miniport (SSTP)", "WAN Miniport (IKEv2)", "WAN Miniport (L2TP)", "WAN Miniport (PPTP)",
        "WAN Miniport (PPPOE)", "WAN Miniport (IPv6)", "WAN Miniport (Network Monitor)", "WAN Miniport (IP)",
        "Microsoft Kernel Debug Network Adapter", "Microsoft ISATAP Adapter", "Microsoft Teredo Tunneling Adapter",
    ]
    var ethernetDescription: String { info.os.isServer ? "Microsoft Hyper-V Network Adapter" : "Intel(R) Ethernet Connection (13) I219-LM" }
    var gateway: String { ipAddress.split(separator: ".").prefix(3).joined(separator: ".") + ".1" }
    var ipv6Address: String { "fe80::\(String(info.index % 65_536, radix: 16)):5dff:fe00:\(String(info.index % 4096, radix: 16))" }
    var interfaceGuid: String { "{6C1B9C2E-\(String(format: "%04X", info.index % 65_536))-4F3B-9D7A-\(String(format: "%012X", info.index))}" }

    func adapterConfigurations() -> [CimInstance] {
        var result = Self.virtualAdapters.enumerated().map { offset, description in
            make("Win32_NetworkAdapterConfiguration", [
                ("Caption", .string(String(format: "[%08d] ", offset) + description)), ("Description", .string(description)),
                ("SettingID", .string("{\(String(format: "%08X", 0x2D1F_0000 + offset))-1A2B-4C3D-8E9F-00155D0000\(String(format: "%02X", offset))}")),
                ("DHCPEnabled", .boolean(false)), ("Index", .uint32(UInt32(offset))), ("InterfaceIndex", .uint32(UInt32(2 + offset))),
                ("IPEnabled", .boolean(false)), ("MACAddress", offset == 7 ? .string("52:54:55:00:00:01") : .null),
                ("ServiceName", .string(offset < 8 ? "Rasl2tp" : "kdnic")), ("TcpipNetbiosOptions", .null),
            ])
        }
        result.append(make("Win32_NetworkAdapterConfiguration", [
            ("Caption", .string(String(format: "[%08d] ", 11) + ethernetDescription)), ("Description", .string(ethernetDescription)),
            ("SettingID", .string(interfaceGuid)), ("ArpAlwaysSourceRoute", .null), ("ArpUseEtherSNAP", .null),
            ("DatabasePath", .string("%SystemRoot%\\System32\\drivers\\etc")), ("DeadGWDetectEnabled", .null),
            ("DefaultIPGateway", .array([.string(gateway)])), ("DefaultTOS", .null), ("DefaultTTL", .null),
            ("DHCPEnabled", .boolean(info.role == .desktop)),
            ("DHCPLeaseExpires", info.role == .desktop ? datetime(now + 4 * 86_400_000_000) : .null),
            ("DHCPLeaseObtained", info.role == .desktop ? datetime(now - 4 * 86_400_000_000) : .null),
            ("DHCPServer", info.role == .desktop ? .string(gateway) : .null), ("DNSDomain", .string(domain)),
            ("DNSDomainSuffixSearchOrder", .array([.string(domain)])), ("DNSEnabledForWINSResolution", .boolean(false)),
            ("DNSHostName", .string(info.hostname)), ("DNSServerSearchOrder", .array([.string("10.20.0.10"), .string("10.20.0.11")])),
            ("DomainDNSRegistrationEnabled", .boolean(false)), ("FullDNSRegistrationEnabled", .boolean(true)),
            ("GatewayCostMetric", .array([.uint16(0)])), ("Index", .uint32(11)), ("InterfaceIndex", .uint32(12)),
            ("IPAddress", .array([.string(ipAddress), .string(ipv6Address)])), ("IPConnectionMetric", .uint32(15)),
            ("IPEnabled", .boolean(true)), ("IPFilterSecurityEnabled", .boolean(false)), ("IPPortSecurityEnabled", .null),
            ("IPSecPermitIPProtocols", .array([])), ("IPSecPermitTCPPorts", .array([])), ("IPSecPermitUDPPorts", .array([])),
            ("IPSubnet", .array([.string("255.255.255.0"), .string("64")])), ("IPUseZeroBroadcast", .null),
            ("MACAddress", .string(macAddress)), ("ServiceName", .string("netvsc")), ("TcpipNetbiosOptions", .uint32(0)),
            ("WINSEnableLMHostsLookup", .boolean(true)), ("WINSScopeID", .string("")),
        ]))
        return result
    }

    func netAdapters() -> [CimInstance] {
        let speed: UInt64 = info.os.isServer ? 10_000_000_000 : 1_000_000_000
        return [make("MSFT_NetAdapter", [
            ("Caption", .null), ("Description", .null), ("InstallDate", .null), ("Name", .string("Ethernet")),
            ("Status", .null), ("Availability", .null), ("ConfigManagerErrorCode", .null), ("ConfigManagerUserConfig", .null),
            ("CreationClassName", .string("MSFT_NetAdapter")), ("DeviceID", .string(interfaceGuid)),
            ("ErrorCleared", .null), ("ErrorDescription", .null), ("LastErrorCode", .null), ("PowerManagementCapabilities", .null),
            ("PowerManagementSupported", .null), ("StatusInfo", .null), ("SystemCreationClassName", .string("CIM_NetworkPort")),
            ("SystemName", .string(info.hostname.lowercased() + "." + domain)), ("Speed", .uint64(speed)), ("MaxSpeed", .null),
            ("RequestedSpeed", .null), ("UsageRestriction", .null), ("PortType", .null), ("OtherPortType", .null),
            ("OtherNetworkPortType", .null), ("PortNumber", .uint16(0)), ("LinkTechnology", .null), ("OtherLinkTechnology", .null),
            ("PermanentAddress", .string(macAddress.replacingOccurrences(of: ":", with: ""))),
            ("NetworkAddresses", .array([.string(macAddress.replacingOccurrences(of: ":", with: ""))])),
            ("FullDuplex", .boolean(true)), ("AutoSense", .null), ("SupportedMaximumTransmissionUnit", .null),
            ("ActiveMaximumTransmissionUnit", .uint64(1500)), ("InterfaceDescription", .string(ethernetDescription)),
            ("InterfaceName", .string("ethernet_32768")), ("NetLuid", .uint64(1_689_399_632_855_040)),
            ("InterfaceGuid", .string(interfaceGuid)), ("InterfaceIndex", .uint32(12)), ("DeviceName", .string("\\Device\\" + interfaceGuid)),
            ("NetLuidIndex", .uint32(32768)), ("Virtual", .boolean(false)), ("Hidden", .boolean(false)),
            ("NotUserRemovable", .boolean(false)), ("IMFilter", .boolean(false)), ("InterfaceType", .uint32(6)),
            ("HardwareInterface", .boolean(true)), ("WdmInterface", .boolean(false)), ("EndPointInterface", .boolean(false)),
            ("iSCSIInterface", .boolean(false)), ("State", .uint32(2)), ("NdisMedium", .uint32(0)), ("NdisPhysicalMedium", .uint32(14)),
            ("InterfaceOperationalStatus", .uint32(1)), ("OperationalStatusDownDefaultPortNotAuthenticated", .boolean(false)),
            ("OperationalStatusDownMediaDisconnected", .boolean(false)), ("OperationalStatusDownInterfacePaused", .boolean(false)),
            ("OperationalStatusDownLowPowerState", .boolean(false)), ("InterfaceAdminStatus", .uint32(1)),
            ("MediaConnectState", .uint32(1)), ("MtuSize", .uint32(1500)), ("VlanID", .null), ("TransmitLinkSpeed", .uint64(speed)),
            ("ReceiveLinkSpeed", .uint64(speed)), ("PromiscuousMode", .boolean(false)), ("DeviceWakeUpEnable", .boolean(false)),
            ("ConnectorPresent", .boolean(true)), ("MediaDuplexState", .uint32(2)), ("DriverDate", .string("2006-06-21")),
            ("DriverDateData", .uint64(127_953_216_000_000_000)), ("DriverVersionString", .string(info.os.version)),
            ("DriverName", .string("\\SystemRoot\\System32\\drivers\\netvsc.sys")), ("DriverDescription", .string(ethernetDescription)),
            ("MajorDriverVersion", .uint16(10)), ("MinorDriverVersion", .uint16(0)), ("DriverMajorNdisVersion", .uint8(6)),
            ("DriverMinorNdisVersion", .uint8(85)), ("PnPDeviceID", .string("VMBUS\\{F8615163-DF3E-46C5-913F-F2D2F965ED0E}")),
            ("DriverProvider", .string("Microsoft")), ("ComponentID", .string("VMBUS\\{F8615163-DF3E-46C5-913F-F2D2F965ED0E}")),
            ("LowerLayerInterfaceIndices", .null), ("HigherLayerInterfaceIndices", .array([.uint32(22)])), ("AdminLocked", .boolean(false)),
        ])]
    }

    func netIPAddresses() -> [CimInstance] {
        let entries: [(address: String, family: UInt16, index: UInt32, alias: String, prefix: UInt8, origin: UInt16)] = [
            (ipv6Address, 23, 12, "Ethernet", 64, 2), (ipAddress, 2, 12, "Ethernet", 24, info.role == .desktop ? 3 : 1),
            ("::1", 23, 1, "Loopback Pseudo-Interface 1", 128, 2), ("127.0.0.1", 2, 1, "Loopback Pseudo-Interface 1", 8, 2),
        ]
        // TimeSpan.MaxValue, which Windows reports for addresses that never expire.
        let infinite = CimValue.interval(CimInterval(microseconds: 922_337_203_685_477_580))
        return entries.map { entry in
            let name = ";C?8;@B8;55;55;55;" + entry.address.replacingOccurrences(of: ":", with: "").prefix(8)
            return make("MSFT_NetIPAddress", [
                ("InstanceID", .string(name)), ("Caption", .null), ("ElementName", .null), ("InstallDate", .null),
                ("StatusDescriptions", .null), ("Status", .null), ("HealthState", .null), ("CommunicationStatus", .null),
                ("DetailedStatus", .null), ("OperatingStatus", .null), ("PrimaryStatus", .null), ("OtherEnabledState", .null),
                ("AvailableRequestedStates", .null), ("SystemCreationClassName", .string("")), ("SystemName", .string("")),
                ("CreationClassName", .string("")), ("Description", .null), ("Name", .string(name)), ("OperationalStatus", .null),
                ("EnabledState", .null), ("TimeOfLastStateChange", .null), ("NameFormat", .null), ("ProtocolType", .uint16(0)),
                ("OtherTypeDescription", .null), ("IPv4Address", entry.family == 2 ? .string(entry.address) : .null),
                ("IPv6Address", entry.family == 23 ? .string(entry.address) : .null), ("Address", .null), ("SubnetMask", .null),
                ("PrefixLength", .uint8(entry.prefix)), ("AddressType", .uint16(1)), ("IPVersionSupport", .null),
                ("InterfaceIndex", .uint32(entry.index)), ("InterfaceAlias", .string(entry.alias)), ("IPAddress", .string(entry.address)),
                ("AddressFamily", .uint16(entry.family)), ("Type", .uint8(1)), ("Store", .uint8(1)), ("PrefixOrigin", .uint16(entry.origin)),
                ("SuffixOrigin", .uint16(entry.origin)), ("AddressState", .uint16(4)), ("ValidLifetime", infinite),
                ("PreferredLifetime", infinite), ("SkipAsSource", .boolean(false)),
            ])
        }
    }
}
