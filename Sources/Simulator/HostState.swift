import CIMModel

/// The CIM data of one simulated host at one point of its seeded history.
///
/// Instances are kept per class in the order a WMI provider would return them. `Win32_TerminalService`
/// lives in the `Win32_Service` list, because a query for the parent class returns it too.
struct HostState: Sendable {
    static let cimv2 = "root/cimv2"
    static let standardCimv2 = "root/StandardCimv2"

    let info: SimulatedHostInfo
    /// Instances by lower-cased class name of the class they are listed under.
    var classes: [String: [CimInstance]] = [:]
    /// The simulated wall clock, in microseconds since 1970: boot time plus elapsed ticks.
    var now: Int64
    var bootTime: Int64
    var nextProcessId: UInt32 = 1000
    var tickCount = 0
    var generator: SeededGenerator
    let schemas: CimSchemaRegistry

    /// The fixed start of every fleet's history: Monday 2026-01-05 08:00:00 UTC.
    static let epoch: Int64 = 1_767_600_000 * 1_000_000

    init(info: SimulatedHostInfo, seed: UInt64, schemas: CimSchemaRegistry = .builtin) {
        self.info = info
        self.schemas = schemas
        generator = SeededGenerator(seed: seed, stream: 0xB000 + UInt64(info.index))
        bootTime = Self.epoch - Int64.random(in: 3_600...(40 * 86_400), using: &generator) * 1_000_000
        now = Self.epoch
        populate()
    }

    /// The instances listed under a class (case-insensitive), or nil when the host has no such class.
    /// A subclass kept in its parent's list (Win32_TerminalService) is found there.
    func instances(of className: String) -> [CimInstance]? {
        let key = className.lowercased()
        if let list = classes[key] { return list }
        let members = classes.values.flatMap { $0.filter { $0.className.lowercased() == key } }
        return members.isEmpty ? nil : members
    }

    /// The schema used for a class: its own, or else that of the parent list it lives in.
    func schema(of className: String) -> CimClassSchema? {
        if let own = schemas.schema(className: className) { return own }
        let key = className.lowercased()
        guard let parent = classes.first(where: { $0.value.contains { $0.className.lowercased() == key } })?.key else { return nil }
        return schemas.schema(className: parent)
    }

    mutating func store(_ instances: [CimInstance], as className: String) { classes[className.lowercased()] = instances }

    /// Builds an instance of a schema class from the given properties; keys come from the schema.
    func make(_ className: String, _ properties: [(String, CimValue)]) -> CimInstance {
        let schema = schemas.schema(className: className)
        return CimInstance(className: className, namespace: schema?.namespace ?? Self.cimv2, host: info.hostname,
                           properties: properties.map { CimProperty(name: $0.0, value: $0.1) },
                           keyNames: schema?.keys ?? [])
    }

    func datetime(_ micros: Int64) -> CimValue { .datetime(CimDateTime(microsecondsSinceEpoch: micros)) }

    private mutating func populate() {
        store([operatingSystem()], as: "Win32_OperatingSystem")
        store([computerSystem()], as: "Win32_ComputerSystem")
        store([bios()], as: "Win32_BIOS")
        store(logicalDisks(), as: "Win32_LogicalDisk")
        store(hotfixes(), as: "Win32_QuickFixEngineering")
        store(adapterConfigurations(), as: "Win32_NetworkAdapterConfiguration")
        store(netAdapters(), as: "MSFT_NetAdapter")
        store(netIPAddresses(), as: "MSFT_NetIPAddress")
        store(services(), as: "Win32_Service")
        store(processes(), as: "Win32_Process")
        refreshOperatingSystemCounters()
    }
}
