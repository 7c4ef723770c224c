/// An instance written as JSON members rather than held as a `CimInstance`: for consumers that
/// store instances instead of reading them (the collector), which then never build the typed
/// values. The WS-Man parser can write it straight from the text it parsed
/// (`EnumerationItemForm.json`); `set(_:)` writes one from a `CimInstance`, with the same bytes.
///
/// `object` is `{"Name":value,…}`: the properties in wire order with canonical values (compact JSON,
/// the same value forms as `CimJSONWriter`). Buffers are kept across `reset`, so one value reused
/// from instance to instance allocates nothing once warm.
public struct CimInstanceJSON: Sendable, Hashable {
    public private(set) var className = ""
    public private(set) var namespace = ""
    /// The names of the key properties, when known (from the schema).
    public private(set) var keyNames: [String] = []
    /// The property names, in wire order.
    public private(set) var names: [String] = []
    /// Where each property's member lies in `object`, in the order of `names`.
    public private(set) var members: [CimJSONMember] = []
    /// Writes the members; between `beginMember` and `endMember` the caller writes one value with it.
    /// No capacity up front: an empty value stands in while a reused one is lent out, per instance.
    public var writer = CimJSONWriter(style: .canonical, reservingCapacity: 0)

    public init() {}

    /// The object written so far (complete after `finish()`).
    public var object: [UInt8] { writer.bytes }

    /// Starts another instance, keeping the buffers' capacity.
    public mutating func reset(className: String, namespace: String, keyNames: [String]) {
        self.className = className
        self.namespace = namespace
        self.keyNames = keyNames
        names.removeAll(keepingCapacity: true)
        members.removeAll(keepingCapacity: true)
        writer.reset()
        writer.append(byte: UInt8(ascii: "{"))
    }

    /// Writes `"name":`; the caller writes the value next, then calls `endMember()`.
    public mutating func beginMember(_ name: String) {
        beginMember(name) { $0.write(key: name) }
    }

    /// `beginMember(name)` with the key's bytes written before: `encodedKey` must be what
    /// `CimJSONWriter.write(key: name)` writes. Spares escaping a name met once per instance.
    public mutating func beginMember(_ name: String, encodedKey: [UInt8]) {
        beginMember(name) { $0.append(rawJSON: encodedKey) }
    }

    private mutating func beginMember(_ name: String, writingKey: (inout CimJSONWriter) -> Void) {
        if !names.isEmpty { writer.append(byte: UInt8(ascii: ",")) }
        let start = writer.bytes.count
        writingKey(&writer)
        names.append(name)
        members.append(CimJSONMember(start: start, valueStart: writer.bytes.count, end: writer.bytes.count))
    }

    public mutating func endMember() { members[members.count - 1].end = writer.bytes.count }

    /// Closes the object.
    public mutating func finish() { writer.append(byte: UInt8(ascii: "}")) }

    /// Writes `instance` (its host is left out: the object holds properties only).
    public mutating func set(_ instance: CimInstance) {
        reset(className: instance.className, namespace: instance.namespace, keyNames: instance.keyNames)
        for property in instance.properties {
            beginMember(property.name)
            writer.write(property.value)
            endMember()
        }
        finish()
    }

    /// The position of a property in `names`: the exact name first, else case-insensitively, as
    /// `CimInstance.index(of:)` finds it.
    public func index(of name: String) -> Int? { names.firstIndex(ofCIMName: name) }
}

/// Where one `"name":value` member lies in a JSON object's bytes.
public struct CimJSONMember: Sendable, Hashable {
    public var start: Int
    public var valueStart: Int
    public var end: Int

    public init(start: Int, valueStart: Int, end: Int) {
        self.start = start
        self.valueStart = valueStart
        self.end = end
    }
}
