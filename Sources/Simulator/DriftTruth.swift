import CIMModel

/// The exact record of what one ``SimulatedFleet/tick()`` changed, per host and class, keyed by each
/// class's diff identity from `schemas/` (Win32_Process: Handle + CreationDate). Encode it with
/// `JSONEncoder` for the admin endpoint; compare it with a snapshot diff in tests.
public struct DriftTruth: Sendable, Codable, Hashable {
    /// How many ticks the fleet has taken, this one included.
    public var tick: Int
    /// One entry per host, in fleet order.
    public var hosts: [HostDrift]
}

/// What changed on one host.
public struct HostDrift: Sendable, Codable, Hashable {
    public var hostname: String
    public var address: String
    /// Only classes with at least one change.
    public var classes: [ClassDrift]
}

/// What changed in one class on one host. Instances of a subclass listed under their parent
/// (Win32_TerminalService under Win32_Service) are reported under the parent.
public struct ClassDrift: Sendable, Codable, Hashable {
    public var className: String
    public var namespace: String
    public var added: [InstanceDrift]
    public var removed: [InstanceDrift]
    public var changed: [InstanceDrift]

    /// Changes restricted to non-volatile properties; instances whose only changes were volatile are dropped.
    public var nonVolatileChanges: [InstanceDrift] {
        changed.compactMap { change in
            let kept = change.properties.filter { !$0.isVolatile }
            return kept.isEmpty ? nil : InstanceDrift(identity: change.identity, properties: kept)
        }
    }
}

/// One instance: its identity, and for `changed` the properties that differ (for `added` / `removed`, none).
public struct InstanceDrift: Sendable, Codable, Hashable {
    /// Identity property name → lexical value (`Handle` → `"1234"`, `CreationDate` → xs:dateTime).
    public var identity: [String: DriftValue]
    public var properties: [PropertyDrift]
}

/// One property that changed; `isVolatile` comes from the class schema.
public struct PropertyDrift: Sendable, Codable, Hashable {
    public var name: String
    /// The value before the tick.
    public var old: DriftValue
    /// The value after the tick.
    public var new: DriftValue
    /// True when the schema marks the property volatile (counters); diff ignores these by default.
    public var isVolatile: Bool
}

/// A CIM value in a JSON-friendly form: its wire (lexical) text, a list of them, or null.
public enum DriftValue: Sendable, Codable, Hashable {
    case null
    case scalar(String)
    case array([String])

    public init(_ value: CimValue?) {
        switch value {
        case nil, .null?: self = .null
        case .array(let elements)?: self = .array(elements.map { $0.lexicalForm ?? "" })
        case let value?: self = .scalar(value.lexicalForm ?? "")
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let text = try? container.decode(String.self) { self = .scalar(text) }
        else { self = .array(try container.decode([String].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .scalar(let text): try container.encode(text)
        case .array(let elements): try container.encode(elements)
        }
    }
}

extension ClassDrift {
    /// Compares two lists of one class by the schema's identity; properties compared by value.
    static func between(_ before: [CimInstance], _ after: [CimInstance], schema: CimClassSchema) -> ClassDrift {
        let identityNames = schema.effectiveIdentity
        let volatile = Set(schema.volatileProperties.map { $0.lowercased() })
        func identity(_ instance: CimInstance) -> [String: DriftValue] {
            Dictionary(uniqueKeysWithValues: identityNames.map { ($0, DriftValue(instance[$0])) })
        }
        let oldByIdentity = Dictionary(before.map { (identity($0), $0) }, uniquingKeysWith: { first, _ in first })
        let newByIdentity = Dictionary(after.map { (identity($0), $0) }, uniquingKeysWith: { first, _ in first })
        var drift = ClassDrift(className: schema.className, namespace: schema.namespace, added: [], removed: [], changed: [])
        for instance in after {
            let key = identity(instance)
            guard let old = oldByIdentity[key] else {
                drift.added.append(InstanceDrift(identity: key, properties: []))
                continue
            }
            let names = old.properties.map(\.name) + instance.properties.map(\.name).filter { old[$0] == nil }
            let changes = names.compactMap { name -> PropertyDrift? in
                let was = old[name] ?? .null, now = instance[name] ?? .null
                guard was != now else { return nil }
                return PropertyDrift(name: name, old: DriftValue(was), new: DriftValue(now), isVolatile: volatile.contains(name.lowercased()))
            }
            if !changes.isEmpty { drift.changed.append(InstanceDrift(identity: key, properties: changes)) }
        }
        for instance in before where newByIdentity[identity(instance)] == nil {
            drift.removed.append(InstanceDrift(identity: identity(instance), properties: []))
        }
        return drift
    }

    var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
}
