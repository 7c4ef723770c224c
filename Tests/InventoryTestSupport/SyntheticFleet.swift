import CIMModel
import Foundation

/// A seeded generator of realistic inventories from `schemas/`: every class of the registry, a
/// typical count of instances each (~450 per host), values typed by the schema. For tests and
/// benchmarks of the store and diff; the same seed gives the same fleet.
public struct SyntheticFleet: Sendable {
    public var schemas: CimSchemaRegistry
    public var seed: UInt64
    /// Instances per class on each host; classes not listed get 5, singletons 1.
    public var counts: [String: Int] = [
        "Win32_Process": 110, "Win32_Service": 230, "Win32_QuickFixEngineering": 40, "Win32_Product": 45,
        "Win32_LogicalDisk": 3, "Win32_NetworkAdapterConfiguration": 6, "MSFT_NetAdapter": 4, "MSFT_NetIPAddress": 8,
    ]

    public init(schemas: CimSchemaRegistry = .builtin, seed: UInt64) {
        self.schemas = schemas
        self.seed = seed
    }

    /// The host names `host-0001.corp.example` … for `count` hosts.
    public static func hostNames(_ count: Int) -> [String] {
        (1...max(count, 1)).prefix(count).map { String(format: "host-%04d.corp.example", $0) }
    }

    /// Every class's instances for one host, grouped by class schema.
    public func inventory(host: String) -> [(schema: CimClassSchema, instances: [CimInstance])] {
        var rng = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: host.hashValueStable))
        return schemas.all.map { schema in
            let count = schema.isSingleton ? 1 : counts[schema.className] ?? 5
            return (schema, (0..<count).map { index in instance(schema, index: index, host: host, rng: &rng) })
        }
    }

    /// One instance of a class: identity properties unique by `index`, others random by type.
    public func instance(_ schema: CimClassSchema, index: Int, host: String, rng: inout SplitMix64) -> CimInstance {
        let identity = Set(schema.effectiveIdentity.map { $0.lowercased() })
        let properties = schema.properties.map { property in
            let name = property.name
            let value: CimValue = if identity.contains(name.lowercased()) {
                Self.identityValue(property.type, index: index, host: host)
            } else if ["csname", "systemname", "dnshostname", "pscomputername"].contains(name.lowercased()) {
                .string(host)
            } else {
                Self.randomValue(property.type, rng: &rng)
            }
            return CimProperty(name: name, value: value)
        }
        return CimInstance(className: schema.className, namespace: schema.namespace, host: host,
                           properties: properties, keyNames: schema.keys)
    }

    /// Changes one non-identity, non-volatile property of the instance to a new random value; returns
    /// the property's name, or nil when it has none to change.
    public static func mutate(_ instance: inout CimInstance, schema: CimClassSchema, rng: inout SplitMix64) -> String? {
        let identity = Set(schema.effectiveIdentity.map { $0.lowercased() })
        let candidates = schema.properties.filter { !$0.isVolatile && !identity.contains($0.name.lowercased())
            && $0.type.scalar != .boolean }
        guard !candidates.isEmpty else { return nil }
        let property = candidates[Int(rng.next() % UInt64(candidates.count))]
        var value = randomValue(property.type, rng: &rng)
        while value == instance[property.name] { value = randomValue(property.type, rng: &rng) }
        instance.set(property.name, value)
        return property.name
    }

    static func identityValue(_ type: CimType, index: Int, host: String) -> CimValue {
        switch type.scalar {
        case .string: .string("id-\(index)")
        case .datetime: .datetime(CimDateTime(microsecondsSinceEpoch: 1_700_000_000_000_000 + Int64(index) * 1_000_017))
        case .uint8: .uint8(UInt8(truncatingIfNeeded: index))
        case .uint16: .uint16(UInt16(truncatingIfNeeded: index))
        case .uint32: .uint32(UInt32(index))
        case .uint64: .uint64(UInt64(index))
        case .sint32: .sint32(Int32(index))
        case .sint64: .sint64(Int64(index))
        default: .string("id-\(index)")
        }
    }

    static func randomValue(_ type: CimType, rng: inout SplitMix64) -> CimValue {
        if type.isArray {
            let count = Int(rng.next() % 4)
            return .array((0..<count).map { _ in randomValue(CimType(type.scalar), rng: &rng) })
        }
        if rng.next() % 20 == 0 { return .null }
        switch type.scalar {
        case .boolean: return .boolean(rng.next() & 1 == 1)
        case .uint8: return .uint8(UInt8(truncatingIfNeeded: rng.next()))
        case .sint8: return .sint8(Int8(truncatingIfNeeded: rng.next()))
        case .uint16: return .uint16(UInt16(truncatingIfNeeded: rng.next()))
        case .sint16: return .sint16(Int16(truncatingIfNeeded: rng.next()))
        case .uint32: return .uint32(UInt32(truncatingIfNeeded: rng.next() % 100_000))
        case .sint32: return .sint32(Int32(truncatingIfNeeded: rng.next() % 100_000))
        case .uint64: return .uint64(rng.next() % 10_000_000_000)
        case .sint64: return .sint64(Int64(rng.next() % 10_000_000_000))
        case .real32: return .real32(Float(rng.next() % 10_000) / 8)
        case .real64: return .real64(Double(rng.next() % 1_000_000) / 16)
        case .char16: return .char16(UInt16(0x41 + rng.next() % 26))
        case .datetime: return .datetime(CimDateTime(microsecondsSinceEpoch: 1_600_000_000_000_000 + Int64(rng.next() % 100_000_000_000_000)))
        case .reference, .instance, .string:
            let words = ["Windows", "Service", "Host", "Microsoft", "Update", "Network", "Driver", "System32",
                         "C:\\Windows\\", "svchost.exe", "Intel(R)", "Realtek", "KB50", "x64", "Runtime", "Agent"]
            let count = 1 + Int(rng.next() % 4)
            return .string((0..<count).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
                           + " \(rng.next() % 1000)")
        }
    }
}

/// A small, fast, seeded random number generator (Vigna's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    /// FNV-1a over the UTF-8 bytes: stable across runs, unlike `hashValue`.
    var hashValueStable: UInt64 {
        utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
