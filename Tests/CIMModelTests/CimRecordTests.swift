import CIMModel
import Foundation
import Testing

@Suite struct CimRecordTests {
    private func process(_ properties: [String: CimValue], host: String? = "web01") -> CimInstance {
        var instance = CimInstance(className: "Win32_Process", namespace: "root/cimv2", host: host)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) { instance.set(name, value) }
        return instance
    }

    @Test func decodeErrorNamesHostClassPropertyExpectedAndActual() {
        #expect {
            try Win32Process(process(["Name": .string("svchost.exe"), "ProcessId": .string("12abc")]))
        } throws: { error in
            guard let error = error as? CimRecordError else { return false }
            return error.host == "web01" && error.className == "Win32_Process" && error.property == "ProcessId"
                && error.expected == CimType(.uint32) && error.actual == "string \"12abc\""
                && "\(error)".hasPrefix("web01: Win32_Process.ProcessId: expected uint32, got string \"12abc\"")
        }
    }

    @Test(arguments: [CimValue.boolean(true), .sint32(-1), .uint64(UInt64(UInt32.max) + 1), .real64(1.5),
                      .array([.uint32(1), .uint32(2)])])
    func valueOfAnotherTypeIsRefused(_ value: CimValue) {
        #expect(throws: CimRecordError.self) { try Win32Process(process(["ProcessId": value])) }
    }

    @Test func integersOfAnotherWidthAndTypeableTextAreReadExactly() throws {
        let record = try Win32Process(process([
            "ProcessId": .uint16(7), "ParentProcessId": .string(" 4 "), "KernelModeTime": .string("18446744073709551615"),
        ]))
        #expect(record.processId == 7)
        #expect(record.parentProcessId == 4)
        #expect(record.kernelModeTime == UInt64.max)
    }

    @Test func absentAndNullBecomeNil() throws {
        let record = try Win32Process(process(["Name": .string("System"), "CommandLine": .null]))
        #expect(record.name == "System")
        #expect(record.commandLine == nil)
        #expect(record.processId == nil)
    }

    @Test func scalarWhereTheSchemaSaysArrayIsAOneElementArray() throws {
        var instance = CimInstance(className: "Win32_NetworkAdapterConfiguration", namespace: "root/cimv2")
        instance.set("IPAddress", .string("10.0.0.5"))
        instance.set("IPSubnet", .array([.string("255.255.255.0"), .string("64")]))
        instance.set("DefaultIPGateway", .array([]))
        instance.set("DNSServerSearchOrder", .null)
        let record = try Win32NetworkAdapterConfiguration(instance)
        #expect(record.ipAddress == ["10.0.0.5"])
        #expect(record.ipSubnet == ["255.255.255.0", "64"])
        #expect(record.defaultIPGateway == [])
        #expect(record.dnsServerSearchOrder == nil)
    }

    @Test func arrayElementOfAnotherTypeIsRefused() {
        var instance = CimInstance(className: "Win32_NetworkAdapterConfiguration", namespace: "root/cimv2", host: "h1")
        instance.set("GatewayCostMetric", .array([.uint16(1), .string("x")]))
        #expect {
            try Win32NetworkAdapterConfiguration(instance)
        } throws: { error in
            (error as? CimRecordError)?.expected == CimType(.uint16, isArray: true)
                && (error as? CimRecordError)?.property == "GatewayCostMetric"
        }
    }

    @Test func datetimePropertiesHoldTimestampsAndIntervals() throws {
        let lifetime = try #require(CimInterval(parsing: "P1DT2H"))
        var instance = CimInstance(className: "MSFT_NetIPAddress", namespace: "root/StandardCimv2")
        instance.set("ValidLifetime", .interval(lifetime))
        instance.set("InstallDate", .string("2013-04-15T16:28:47.73517Z"))
        let record = try MSFTNetIPAddress(instance)
        #expect(record.validLifetime == .interval(lifetime))
        #expect(record.installDate?.timestamp?.iso8601 == "2013-04-15T16:28:47.73517Z")
    }

    /// record → CimInstance → record → JSON → record, with uint64 at its maximum, an offset
    /// timestamp with microseconds, and an array.
    @Test func roundTripThroughCimInstanceAndJSONIsExact() throws {
        var original = Win32Process()
        original.handle = "4242"
        original.processId = 4242
        original.name = "sql\"server\".exe"
        original.kernelModeTime = UInt64.max
        original.creationDate = .timestamp(try #require(CimDateTime(parsing: "2013-04-15T16:28:47.123456+02:00")))
        original.workingSetSize = 0

        let instance = original.cimInstance(host: "db01")
        #expect(instance.host == "db01")
        #expect(instance.className == "Win32_Process")
        #expect(instance.keyNames == ["Handle"])
        #expect(instance.properties.map(\.name) == Win32Process.schema.properties.map(\.name))
        #expect(instance["CommandLine"] == .null)
        #expect(instance["KernelModeTime"] == .uint64(UInt64.max))

        let decoded = try Win32Process(instance)
        #expect(decoded == original)
        let json = try JSONEncoder().encode(decoded)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"KernelModeTime\":18446744073709551615"))
        #expect(text.contains("\"ProcessId\":4242"))
        #expect(!text.contains("processId"))
        #expect(try JSONDecoder().decode(Win32Process.self, from: json) == original)

        var adapter = Win32NetworkAdapterConfiguration()
        adapter.index = 7
        adapter.ipAddress = ["10.0.0.5", "fe80::1"]
        adapter.dhcpLeaseObtained = .timestamp(CimDateTime(microsecondsSinceEpoch: 1_365_000_000_000_001))
        let adapterJSON = try JSONEncoder().encode(try Win32NetworkAdapterConfiguration(adapter.cimInstance(host: nil)))
        #expect(try JSONDecoder().decode(Win32NetworkAdapterConfiguration.self, from: adapterJSON) == adapter)
    }

    /// Every generated record reads back exactly what it writes, for a value of every property:
    /// each class's generated mapping (name, type, converter) is exercised.
    @Test(arguments: CimRecords.all.map { $0 as any CimRecord.Type }.indices)
    func everyRecordRoundTripsEveryProperty(_ index: Int) throws {
        let type = CimRecords.all[index]
        let schema = type.schema
        var instance = CimInstance(className: schema.className, namespace: schema.namespace, host: "h",
                                   keyNames: schema.keys)
        for property in schema.properties { instance.set(property.name, try Self.sample(property.type)) }
        let record = try type.init(instance)
        #expect(record.cimInstance(host: "h") == instance, "\(schema.className)")
        let json = try JSONEncoder().encode(record)
        let keys = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any]).keys
        #expect(Set(keys) == Set(schema.properties.map(\.name)), "\(schema.className) JSON keys are not the CIM names")
    }

    @Test func everySchemaHasItsRecordAndLookupIsCaseInsensitive() throws {
        #expect(Set(CimRecords.all.map { $0.schema.className }) == Set(CimSchemaRegistry.builtin.all.map(\.className)))
        #expect(CimRecords.type(for: "WIN32_PROCESS") == Win32Process.self)
        #expect(CimRecords.type(for: "Win32_TimeZone") == nil)
        var service = CimInstance(className: "Win32_TerminalService", namespace: "root/cimv2")
        service.set("Name", .string("TermService"))
        service.set("TotalSessions", .uint32(3))
        let record = try #require(try CimRecords.record(from: service) as? Win32TerminalService)
        #expect(record.totalSessions == 3)
        #expect(try CimRecords.record(from: CimInstance(className: "Win32_TimeZone", namespace: "root/cimv2")) == nil)
    }

    private static func sample(_ type: CimType) throws -> CimValue {
        let scalar: CimValue = switch type.scalar {
        case .boolean: .boolean(true)
        case .uint8: .uint8(.max)
        case .sint8: .sint8(.min)
        case .uint16: .uint16(.max)
        case .sint16: .sint16(.min)
        case .uint32: .uint32(.max)
        case .sint32: .sint32(.min)
        case .uint64: .uint64(.max)
        case .sint64: .sint64(.min)
        case .real32: .real32(1.5)
        case .real64: .real64(-2.25)
        case .char16: .char16(0xD800)
        case .string: .string("a \"quoted\" ü")
        case .datetime: .datetime(CimDateTime(microsecondsSinceEpoch: 1_365_000_000_123_456, utcOffsetMinutes: -300))
        case .reference: .reference(CimReference(resourceURI: "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/X",
                                                 selectors: [.init(name: "K", value: "v")]))
        case .instance: .instance(CimInstance(className: "X", namespace: "root/cimv2"))
        }
        return type.isArray ? .array([scalar, scalar]) : scalar
    }
}
