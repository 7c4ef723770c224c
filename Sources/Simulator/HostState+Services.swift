import CIMModel

/// Win32_Service generation, including the Win32_TerminalService subclass instance that a
/// Win32_Service query returns too (ws2012 capture `Win32_Service_star_002`).
extension HostState {
    /// name | display name | svchost group or image path | start mode | running?
    static let serviceCatalogue = """
    AppIDSvc|Application Identity|LocalServiceNetworkRestricted|Manual|0
    Appinfo|Application Information|netsvcs|Manual|1
    AppMgmt|Application Management|netsvcs|Manual|0
    AppReadiness|App Readiness|AppReadiness|Manual|0
    AppXSvc|AppX Deployment Service (AppXSVC)|wsappx|Manual|0
    AudioEndpointBuilder|Windows Audio Endpoint Builder|LocalSystemNetworkRestricted|Manual|0
    Audiosrv|Windows Audio|LocalServiceNetworkRestricted|Manual|0
    BFE|Base Filtering Engine|LocalServiceNoNetworkFirewall|Auto|1
    BITS|Background Intelligent Transfer Service|netsvcs|Manual|0
    BrokerInfrastructure|Background Tasks Infrastructure Service|DcomLaunch|Auto|1
    CDPSvc|Connected Devices Platform Service|LocalService|Auto|1
    CertPropSvc|Certificate Propagation|netsvcs|Manual|1
    ClipSVC|Client License Service (ClipSVC)|wsappx|Manual|0
    COMSysApp|COM+ System Application|C:\\Windows\\system32\\dllhost.exe /Processid:{02D4B3F1-FD88-11D1-960D-00805FC79235}|Manual|1
    CoreMessagingRegistrar|CoreMessaging|LocalServiceNoNetwork|Auto|1
    CryptSvc|Cryptographic Services|NetworkService|Auto|1
    DcomLaunch|DCOM Server Process Launcher|DcomLaunch|Auto|1
    DeviceInstall|Device Install Service|DcomLaunch|Manual|0
    Dhcp|DHCP Client|LocalServiceNetworkRestricted|Auto|1
    diagnosticshub.standardcollector.service|Microsoft (R) Diagnostics Hub Standard Collector Service|C:\\Windows\\system32\\DiagSvcs\\DiagnosticsHub.StandardCollector.Service.exe|Manual|0
    DiagTrack|Connected User Experiences and Telemetry|utcsvc|Auto|1
    DispBrokerDesktopSvc|Display Policy Service|LocalService|Auto|1
    DmEnrollmentSvc|Device Management Enrollment Service|netsvcs|Manual|0
    dmwappushservice|Device Management Wireless Application Protocol (WAP) Push message Routing Service|netsvcs|Manual|0
    Dnscache|DNS Client|NetworkService|Auto|1
    DPS|Diagnostic Policy Service|LocalServiceNoNetwork|Auto|1
    DsmSvc|Device Setup Manager|netsvcs|Manual|0
    DsSvc|Data Sharing Service|LocalSystemNetworkRestricted|Manual|0
    Eaphost|Extensible Authentication Protocol|netsvcs|Manual|0
    EFS|Encrypting File System (EFS)|C:\\Windows\\System32\\lsass.exe|Manual|0
    EventLog|Windows Event Log|LocalServiceNetworkRestricted|Auto|1
    EventSystem|COM+ Event System|LocalService|Auto|1
    fdPHost|Function Discovery Provider Host|LocalService|Manual|0
    FDResPub|Function Discovery Resource Publication|LocalServiceAndNoImpersonation|Manual|0
    FontCache|Windows Font Cache Service|LocalService|Auto|1
    gpsvc|Group Policy Client|netsvcs|Auto|1
    hidserv|Human Interface Device Service|LocalSystemNetworkRestricted|Manual|0
    HvHost|HV Host Service|LocalSystemNetworkRestricted|Manual|0
    IKEEXT|IKE and AuthIP IPsec Keying Modules|netsvcs|Manual|0
    iphlpsvc|IP Helper|NetSvcs|Auto|1
    KeyIso|CNG Key Isolation|C:\\Windows\\system32\\lsass.exe|Manual|1
    KPSSVC|KDC Proxy Server service (KPS)|NetworkService|Manual|0
    KtmRm|KtmRm for Distributed Transaction Coordinator|NetworkServiceAndNoImpersonation|Manual|0
    LanmanServer|Server|netsvcs|Auto|1
    LanmanWorkstation|Workstation|NetworkService|Auto|1
    lmhosts|TCP/IP NetBIOS Helper|LocalServiceNetworkRestricted|Manual|1
    LSM|Local Session Manager|DcomLaunch|Auto|1
    MapsBroker|Downloaded Maps Manager|NetworkService|Auto|0
    mpssvc|Windows Defender Firewall|LocalServiceNoNetworkFirewall|Auto|1
    MSDTC|Distributed Transaction Coordinator|C:\\Windows\\System32\\msdtc.exe|Auto|1
    MSiSCSI|Microsoft iSCSI Initiator Service|netsvcs|Manual|0
    msiserver|Windows Installer|C:\\Windows\\system32\\msiexec.exe /V|Manual|0
    NcaSvc|Network Connectivity Assistant|NetSvcs|Manual|0
    NcbService|Network Connection Broker|LocalSystemNetworkRestricted|Manual|1
    Netlogon|Netlogon|C:\\Windows\\system32\\lsass.exe|Auto|1
    Netman|Network Connections|LocalSystemNetworkRestricted|Manual|0
    netprofm|Network List Service|LocalService|Manual|1
    NetSetupSvc|Network Setup Service|netsvcs|Manual|0
    NetTcpPortSharing|Net.Tcp Port Sharing Service|C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\SMSvcHost.exe|Disabled|0
    NlaSvc|Network Location Awareness|NetworkService|Auto|1
    nsi|Network Store Interface Service|LocalService|Auto|1
    PcaSvc|Program Compatibility Assistant Service|LocalSystemNetworkRestricted|Manual|0
    PerfHost|Performance Counter DLL Host|C:\\Windows\\SysWow64\\perfhost.exe|Manual|0
    pla|Performance Logs & Alerts|LocalServiceNoNetwork|Manual|0
    PlugPlay|Plug and Play|DcomLaunch|Manual|1
    PolicyAgent|IPsec Policy Agent|NetworkServiceNetworkRestricted|Manual|0
    Power|Power|DcomLaunch|Auto|1
    ProfSvc|User Profile Service|netsvcs|Auto|1
    RasAuto|Remote Access Auto Connection Manager|netsvcs|Manual|0
    RasMan|Remote Access Connection Manager|netsvcs|Manual|0
    RemoteAccess|Routing and Remote Access|netsvcs|Disabled|0
    RemoteRegistry|Remote Registry|localService|Auto|0
    RpcEptMapper|RPC Endpoint Mapper|RPCSS|Auto|1
    RpcLocator|Remote Procedure Call (RPC) Locator|C:\\Windows\\system32\\locator.exe|Manual|0
    RpcSs|Remote Procedure Call (RPC)|rpcss|Auto|1
    RSoPProv|Resultant Set of Policy Provider|netsvcs|Manual|0
    sacsvr|Special Administration Console Helper|netsvcs|Manual|0
    SamSs|Security Accounts Manager|C:\\Windows\\system32\\lsass.exe|Auto|1
    SCardSvr|Smart Card|LocalServiceAndNoImpersonation|Manual|0
    ScDeviceEnum|Smart Card Device Enumeration Service|LocalSystemNetworkRestricted|Manual|0
    Schedule|Task Scheduler|netsvcs|Auto|1
    SCPolicySvc|Smart Card Removal Policy|netsvcs|Manual|0
    seclogon|Secondary Logon|netsvcs|Manual|0
    SENS|System Event Notification Service|netsvcs|Auto|1
    SessionEnv|Remote Desktop Configuration|netsvcs|Manual|1
    SgrmBroker|System Guard Runtime Monitor Broker|C:\\Windows\\system32\\SgrmBroker.exe|Auto|1
    SharedAccess|Internet Connection Sharing (ICS)|netsvcs|Disabled|0
    ShellHWDetection|Shell Hardware Detection|netsvcs|Auto|1
    smphost|Microsoft Storage Spaces SMP|smphost|Manual|0
    SNMPTRAP|SNMP Trap|C:\\Windows\\System32\\snmptrap.exe|Manual|0
    Spooler|Print Spooler|C:\\Windows\\System32\\spoolsv.exe|Auto|1
    sppsvc|Software Protection|C:\\Windows\\system32\\sppsvc.exe|Auto|0
    SSDPSRV|SSDP Discovery|LocalServiceAndNoImpersonation|Manual|0
    SstpSvc|Secure Socket Tunneling Protocol Service|LocalService|Manual|1
    StateRepository|State Repository Service|appmodel|Manual|1
    stisvc|Windows Image Acquisition (WIA)|imgsvc|Manual|0
    StorSvc|Storage Service|LocalSystemNetworkRestricted|Manual|1
    svsvc|Spot Verifier|LocalSystemNetworkRestricted|Manual|0
    swprv|Microsoft Software Shadow Copy Provider|swprv|Manual|0
    SysMain|SysMain|LocalSystemNetworkRestricted|Auto|1
    SystemEventsBroker|System Events Broker|DcomLaunch|Auto|1
    TabletInputService|Touch Keyboard and Handwriting Panel Service|LocalSystemNetworkRestricted|Manual|0
    tapisrv|Telephony|NetworkService|Manual|0
    Themes|Themes|netsvcs|Auto|1
    TieringEngineService|Storage Tiers Management|C:\\Windows\\system32\\TieringEngineService.exe|Manual|0
    TimeBrokerSvc|Time Broker|LocalServiceNetworkRestricted|Manual|1
    TokenBroker|Web Account Manager|netsvcs|Manual|1
    TrkWks|Distributed Link Tracking Client|LocalSystemNetworkRestricted|Auto|1
    TrustedInstaller|Windows Modules Installer|C:\\Windows\\servicing\\TrustedInstaller.exe|Manual|0
    tzautoupdate|Auto Time Zone Updater|LocalService|Disabled|0
    UALSVC|User Access Logging Service|netsvcs|Auto|1
    UmRdpService|Remote Desktop Services UserMode Port Redirector|LocalSystemNetworkRestricted|Manual|1
    upnphost|UPnP Device Host|LocalServiceAndNoImpersonation|Manual|0
    UserManager|User Manager|netsvcs|Auto|1
    UsoSvc|Update Orchestrator Service|netsvcs|Auto|1
    VaultSvc|Credential Manager|C:\\Windows\\system32\\lsass.exe|Manual|1
    vds|Virtual Disk|C:\\Windows\\System32\\vds.exe|Manual|0
    vmicguestinterface|Hyper-V Guest Service Interface|LocalSystemNetworkRestricted|Manual|0
    vmicheartbeat|Hyper-V Heartbeat Service|ICService|Manual|1
    vmickvpexchange|Hyper-V Data Exchange Service|LocalSystemNetworkRestricted|Manual|1
    vmicshutdown|Hyper-V Guest Shutdown Service|LocalSystemNetworkRestricted|Manual|1
    vmictimesync|Hyper-V Time Synchronization Service|LocalServiceNetworkRestricted|Manual|1
    vmicvss|Hyper-V Volume Shadow Copy Requestor|LocalSystemNetworkRestricted|Manual|1
    VSS|Volume Shadow Copy|C:\\Windows\\system32\\vssvc.exe|Manual|0
    W32Time|Windows Time|LocalService|Auto|1
    WaaSMedicSvc|Windows Update Medic Service|wusvcs|Manual|0
    WbioSrvc|Windows Biometric Service|WbioSvcGroup|Manual|0
    Wcmsvc|Windows Connection Manager|LocalServiceNetworkRestricted|Auto|1
    WdiServiceHost|Diagnostic Service Host|LocalService|Manual|0
    WdiSystemHost|Diagnostic System Host|LocalSystemNetworkRestricted|Manual|0
    WdNisSvc|Microsoft Defender Antivirus Network Inspection Service|"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\NisSrv.exe"|Manual|1
    Wecsvc|Windows Event Collector|NetworkService|Manual|0
    WEPHOSTSVC|Windows Encryption Provider Host Service|WepHostSvcGroup|Manual|0
    WerSvc|Windows Error Reporting Service|WerSvcGroup|Manual|0
    WinDefend|Microsoft Defender Antivirus Service|"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe"|Auto|1
    WinHttpAutoProxySvc|WinHTTP Web Proxy Auto-Discovery Service|LocalServiceNetworkRestricted|Manual|1
    Winmgmt|Windows Management Instrumentation|netsvcs|Auto|1
    WinRM|Windows Remote Management (WS-Management)|NetworkService|Auto|1
    wlidsvc|Microsoft Account Sign-in Assistant|netsvcs|Manual|0
    wmiApSrv|WMI Performance Adapter|C:\\Windows\\system32\\wbem\\WmiApSrv.exe|Manual|0
    WPDBusEnum|Portable Device Enumerator Service|LocalSystemNetworkRestricted|Manual|0
    WpnService|Windows Push Notifications System Service|netsvcs|Auto|1
    WSearch|Windows Search|C:\\Windows\\system32\\SearchIndexer.exe /Embedding|Auto|1
    wuauserv|Windows Update|netsvcs|Manual|0
    """

    static let roleServiceCatalogue: [HostRole: String] = [
        .domainController: """
        ADWS|Active Directory Web Services|C:\\Windows\\ADWS\\Microsoft.ActiveDirectory.WebServices.exe|Auto|1
        DFSR|DFS Replication|C:\\Windows\\system32\\DFSRs.exe|Auto|1
        DNS|DNS Server|C:\\Windows\\system32\\dns.exe|Auto|1
        Dfs|DFS Namespace|C:\\Windows\\system32\\dfssvc.exe|Auto|1
        IsmServ|Intersite Messaging|C:\\Windows\\System32\\ismserv.exe|Auto|1
        Kdc|Kerberos Key Distribution Center|C:\\Windows\\System32\\lsass.exe|Auto|1
        NTDS|Active Directory Domain Services|C:\\Windows\\System32\\lsass.exe|Auto|1
        NtFrs|File Replication|C:\\Windows\\system32\\ntfrs.exe|Disabled|0
        """,
        .sqlServer: """
        MSSQLSERVER|SQL Server (MSSQLSERVER)|"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe" -sMSSQLSERVER|Auto|1
        SQLSERVERAGENT|SQL Server Agent (MSSQLSERVER)|"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\SQLAGENT.EXE" -i MSSQLSERVER|Auto|1
        SQLWriter|SQL Server VSS Writer|"C:\\Program Files\\Microsoft SQL Server\\90\\Shared\\sqlwriter.exe"|Auto|1
        SQLBrowser|SQL Server Browser|"C:\\Program Files (x86)\\Microsoft SQL Server\\90\\Shared\\sqlbrowser.exe"|Disabled|0
        MSSQLFDLauncher|SQL Full-text Filter Daemon Launcher (MSSQLSERVER)|"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\fdlauncher.exe" -s MSSQL16.MSSQLSERVER|Manual|1
        SQLTELEMETRY|SQL Server CEIP service (MSSQLSERVER)|"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlceip.exe" -Service MSSQLSERVER|Auto|1
        """,
        .webServer: """
        W3SVC|World Wide Web Publishing Service|iissvcs|Auto|1
        WAS|Windows Process Activation Service|iissvcs|Manual|1
        IISADMIN|IIS Admin Service|C:\\Windows\\system32\\inetsrv\\inetinfo.exe|Auto|1
        AppHostSvc|Application Host Helper Service|apphost|Auto|1
        aspnet_state|ASP.NET State Service|C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\aspnet_state.exe|Manual|0
        W3LOGSVC|W3C Logging Service|LocalSystemNetworkRestricted|Manual|0
        """,
        .desktop: """
        BthAvctpSvc|AVCTP service|LocalService|Manual|1
        bthserv|Bluetooth Support Service|LocalService|Manual|1
        WlanSvc|WLAN AutoConfig|LocalSystemNetworkRestricted|Auto|1
        TeamViewer|TeamViewer|"C:\\Program Files\\TeamViewer\\TeamViewer_Service.exe"|Auto|1
        gupdate|Google Update Service (gupdate)|"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /svc|Auto|0
        edgeupdate|Microsoft Edge Update Service (edgeupdate)|"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe" /svc|Auto|0
        """,
    ]

    /// Per-user service templates: Windows 10+ creates one instance per signed-in user, named with a suffix.
    static let perUserServices = ["CDPUserSvc", "OneSyncSvc", "PimIndexMaintenanceSvc", "UnistoreSvc", "UserDataSvc",
                                  "WpnUserService", "cbdhsvc", "BcastDVRUserService", "BluetoothUserService", "CaptureService",
                                  "ConsentUxUserSvc", "CredentialEnrollmentManagerUserSvc", "DevicePickerUserSvc",
                                  "DevicesFlowUserSvc", "MessagingService", "PrintWorkflowUserSvc", "UdkUserSvc"]

    mutating func services() -> [CimInstance] {
        var lines = Self.serviceCatalogue.split(separator: "\n").map(String.init)
        lines += (Self.roleServiceCatalogue[info.role] ?? "").split(separator: "\n").map(String.init)
        var result = lines.map { line -> CimInstance in
            let field = line.trimmingWhitespace.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return service(name: field[0], display: field[1], image: field[2], startMode: field[3], running: field[4] == "1")
        }
        // Windows 10 and Server 2016+ add per-user service instances for each signed-in session.
        if info.os.version.hasPrefix("10.") {
            let sessions = info.role == .desktop ? 3 : 2
            for session in 0..<sessions {
                let suffix = String(format: "%x", UInt32(truncatingIfNeeded: generator.next()) & 0xFFFFF)
                for template in Self.perUserServices {
                    result.append(service(name: "\(template)_\(suffix)", display: "\(template)_\(suffix)",
                                          image: "UnistackSvcGroup", startMode: session == 0 ? "Manual" : "Auto",
                                          running: generator.chance(0.6)))
                }
            }
        }
        result.sort { $0.name.lowercased() < $1.name.lowercased() }
        result.append(terminalService())
        return result.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    func service(name: String, display: String, image: String, startMode: String, running: Bool) -> CimInstance {
        let isPath = image.contains("\\")
        let path = isPath ? image : "C:\\Windows\\system32\\svchost.exe -k \(image)" + (image.hasSuffix("Group") ? "" : " -p")
        let account = image.lowercased().contains("localservice") ? "NT AUTHORITY\\LocalService"
            : image.lowercased().contains("networkservice") || name == "WinRM" || name == "Dnscache" ? "NT AUTHORITY\\NetworkService"
            : name.hasPrefix("MSSQL") || name.hasPrefix("SQLSERVERAGENT") ? "NT Service\\\(name)" : "LocalSystem"
        let pid = running ? UInt32(truncatingIfNeeded: name.hashValueStable % 2_000) * 4 + 400 : 0
        return make("Win32_Service", [
            ("AcceptPause", .boolean(false)), ("AcceptStop", .boolean(running)), ("Caption", .string(display)),
            ("CheckPoint", .uint32(0)), ("CreationClassName", .string("Win32_Service")), ("DelayedAutoStart", .boolean(name.hashValueStable % 7 == 0)),
            ("Description", .string("Provides \(display.lowercased()) functionality.")), ("DesktopInteract", .boolean(false)),
            ("DisplayName", .string(display)), ("ErrorControl", .string(name.hashValueStable % 5 == 0 ? "Ignore" : "Normal")),
            ("ExitCode", .uint32(running ? 0 : 1077)), ("InstallDate", .null), ("Name", .string(name)), ("PathName", .string(path)),
            ("ProcessId", .uint32(pid)), ("ServiceSpecificExitCode", .uint32(0)),
            ("ServiceType", .string(isPath ? "Own Process" : "Share Process")), ("Started", .boolean(running)),
            ("StartMode", .string(startMode)), ("StartName", .string(account)), ("State", .string(running ? "Running" : "Stopped")),
            ("Status", .string("OK")), ("SystemCreationClassName", .string("Win32_ComputerSystem")),
            ("SystemName", .string(info.hostname)), ("TagId", .uint32(0)), ("WaitHint", .uint32(0)),
        ])
    }

    /// TermService is a Win32_TerminalService, a subclass of Win32_Service with session counters.
    func terminalService() -> CimInstance {
        var instance = service(name: "TermService", display: "Remote Desktop Services", image: "NetworkService",
                               startMode: info.os.isServer ? "Auto" : "Manual", running: true)
        instance.className = "Win32_TerminalService"
        instance.set("CreationClassName", .string("Win32_TerminalService"))
        instance.set("DisconnectedSessions", .uint32(UInt32(info.index % 3)))
        instance.set("TotalSessions", .uint32(UInt32(2 + info.index % 4)))
        return instance
    }
}

extension CimInstance {
    /// The `Name` property as text, or "" (used for sorting and lookups in generators).
    var name: String { self["Name"]?.stringValue ?? "" }
}
