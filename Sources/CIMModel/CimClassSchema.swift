/// What cimsweep knows about one CIM class: its keys, the identity diff uses, and each property's
/// type and volatility. Loaded from one file in `schemas/`, the only place class facts are written.
public struct CimClassSchema: Sendable, Hashable, Codable {
    /// CIM namespace with slashes, e.g. `root/cimv2`.
    public var namespace: String
    /// The class name, e.g. `Win32_Process`.
    public var className: String
    /// The parent class, where it matters (polymorphic results, documentation).
    public var superclass: String?
    /// Properties with the WMI `Key` qualifier; empty for singletons.
    public var keys: [String]
    /// What identifies "the same thing" across sweeps when keys are not enough (Win32_Process:
    /// Handle + CreationDate, since PIDs are reused). Nil means the keys.
    public var identity: [String]?
    /// A class with exactly one instance per host (`Win32_OperatingSystem`).
    public var isSingleton: Bool
    /// Every property, in the order Windows sends them.
    public var properties: [CimPropertySchema]
    /// Decisions taken where the sources disagree or are unsure, and why.
    public var notes: [String]

    public init(namespace: String, className: String, superclass: String? = nil, keys: [String],
                identity: [String]? = nil, isSingleton: Bool = false, properties: [CimPropertySchema],
                notes: [String] = []) {
        self.namespace = namespace
        self.className = className
        self.superclass = superclass
        self.keys = keys
        self.identity = identity
        self.isSingleton = isSingleton
        self.properties = properties
        self.notes = notes
    }

    /// The identity diff matches instances on: `identity` when set, else the keys.
    public var effectiveIdentity: [String] { identity ?? keys }

    /// The property declared with this name (case-insensitive, as CIM names are).
    public func property(named name: String) -> CimPropertySchema? {
        properties.first { $0.name == name } ?? properties.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The names of volatile properties (counters, free space, clocks) that diff ignores by default.
    public var volatileProperties: Set<String> { Set(properties.filter(\.isVolatile).map(\.name)) }

    /// The WMI resource URI (MS-WSMV 3.1.4.1.1): `http://schemas.microsoft.com/wbem/wsman/1/wmi/<ns>/<Class>`.
    public var resourceURI: String { "http://schemas.microsoft.com/wbem/wsman/1/wmi/\(namespace)/\(className)" }

    enum CodingKeys: String, CodingKey {
        case namespace, className = "class", superclass, keys, identity, isSingleton = "singleton", properties, notes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        namespace = try c.decode(String.self, forKey: .namespace)
        className = try c.decode(String.self, forKey: .className)
        superclass = try c.decodeIfPresent(String.self, forKey: .superclass)
        keys = try c.decodeIfPresent([String].self, forKey: .keys) ?? []
        identity = try c.decodeIfPresent([String].self, forKey: .identity)
        isSingleton = try c.decodeIfPresent(Bool.self, forKey: .isSingleton) ?? false
        properties = try c.decode([CimPropertySchema].self, forKey: .properties)
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(namespace, forKey: .namespace)
        try c.encode(className, forKey: .className)
        try c.encodeIfPresent(superclass, forKey: .superclass)
        try c.encode(keys, forKey: .keys)
        try c.encodeIfPresent(identity, forKey: .identity)
        if isSingleton { try c.encode(true, forKey: .isSingleton) }
        try c.encode(properties, forKey: .properties)
        if !notes.isEmpty { try c.encode(notes, forKey: .notes) }
    }
}

/// One property of a `CimClassSchema`.
public struct CimPropertySchema: Sendable, Hashable, Codable {
    /// The CIM name, as on the wire.
    public var name: String
    /// The declared CIM type.
    public var type: CimType
    /// Whether the value moves on its own (counters, free space, clocks); diff ignores it by default.
    public var isVolatile: Bool

    public init(name: String, type: CimType, isVolatile: Bool = false) {
        self.name = name
        self.type = type
        self.isVolatile = isVolatile
    }

    enum CodingKeys: String, CodingKey { case name, type, isVolatile = "volatile" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decode(CimType.self, forKey: .type)
        isVolatile = try c.decodeIfPresent(Bool.self, forKey: .isVolatile) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(type, forKey: .type)
        if isVolatile { try c.encode(true, forKey: .isVolatile) }
    }
}
