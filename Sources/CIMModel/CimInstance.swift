/// One CIM instance as a host returned it: class, namespace, host, and properties in wire order.
///
/// Property names keep the CIM spelling (`ProcessId`); lookups are case-insensitive, as CIM names are.
public struct CimInstance: Sendable, Hashable {
    /// The class the instance belongs to (for polymorphic results, the most derived class).
    public var className: String
    /// The CIM namespace, with slashes: `root/cimv2`.
    public var namespace: String
    /// The host it came from, when known.
    public var host: String?
    /// The properties in the order the host sent them.
    public private(set) var properties: [CimProperty]
    /// The names of the key properties, when known (from the schema or the instance's EPR).
    public var keyNames: [String]

    public init(className: String, namespace: String, host: String? = nil,
                properties: [CimProperty] = [], keyNames: [String] = []) {
        self.className = className
        self.namespace = namespace
        self.host = host
        self.properties = properties
        self.keyNames = keyNames
    }

    /// The value of a property, or nil when the instance does not carry it (not the same as `.null`).
    public subscript(name: String) -> CimValue? {
        get { index(of: name).map { properties[$0].value } }
        set {
            if let position = index(of: name) {
                if let newValue { properties[position].value = newValue } else { properties.remove(at: position) }
            } else if let newValue {
                properties.append(CimProperty(name: name, value: newValue))
            }
        }
    }

    /// Appends a property, or replaces the value of one with the same name.
    public mutating func set(_ name: String, _ value: CimValue) { self[name] = value }

    /// The key properties with their values, in `keyNames` order.
    public var keys: [CimProperty] {
        keyNames.map { CimProperty(name: $0, value: self[$0] ?? .null) }
    }

    /// The position of a property in `properties`: the exact name first, else case-insensitively
    /// (CIM names are case-insensitive), as the subscript finds it.
    public func index(of name: String) -> Int? { properties.lazy.map(\.name).firstIndex(ofCIMName: name) }
}

extension Collection<String> {
    /// Where a CIM name is: the exact spelling first, else case-insensitively (CIM names are).
    func firstIndex(ofCIMName name: String) -> Index? {
        if let exact = firstIndex(of: name) { return exact }
        let folded = name.lowercased()
        return firstIndex { $0.lowercased() == folded }
    }
}

/// A named property value of a `CimInstance`.
public struct CimProperty: Sendable, Hashable {
    public var name: String
    public var value: CimValue

    public init(name: String, value: CimValue) {
        self.name = name
        self.value = value
    }
}
