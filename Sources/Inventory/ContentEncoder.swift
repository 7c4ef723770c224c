import CIMModel
import Synchronization

/// Turns the instances of a result set into `InstanceContent`s, keeping per class what does not
/// change from one instance to the next: the schema, which members are volatile, their sorted order,
/// where the identity comes from, and the buffers the encoding reuses.
struct ContentEncoder {
    private let schemas: CimSchemaRegistry
    private var classes: [ClassFacts] = []
    /// The class of the last instance: a result set is nearly always one class.
    private var lastClass: Int?
    private var scratch = ContentScratch()
    /// The JSON form of the last `CimInstance` encoded, its buffers reused for the next.
    private var converted = CimInstanceJSON()

    private struct ClassFacts {
        let namespace: String
        let className: String
        let schema: CimClassSchema?
        var volatile: VolatileNames
        /// Layouts by property-name list, the last used first (a host's instances share one).
        var layouts: [MemberLayout] = []
    }

    private let shared: SharedLayouts?

    init(schemas: CimSchemaRegistry, shared: SharedLayouts?) {
        self.schemas = schemas
        self.shared = shared
    }

    /// Encodes `instance` into `contents`.
    mutating func encode(_ instance: CimInstance, into contents: inout EncodedContents) {
        var json = converted
        converted = CimInstanceJSON()   // so that `json` is the buffers' only owner
        json.set(instance)
        encode(json, into: &contents)
        converted = json
    }

    /// Encodes an instance the parser wrote as JSON into `contents`.
    mutating func encode(_ instance: CimInstanceJSON, into contents: inout EncodedContents) {
        let index = classIndex(instance, contents: &contents)
        let layout: MemberLayout
        if let found = classes[index].layouts.firstIndex(where: { $0.fits(instance) }) {
            layout = classes[index].layouts[found]
            if found > 0 { classes[index].layouts.swapAt(0, found) }
        } else {
            let schema = classes[index].schema
            layout = shared?.layout(for: instance) { MemberLayout(instance, schema: schema, volatile: &classes[index].volatile) }
                ?? MemberLayout(instance, schema: schema, volatile: &classes[index].volatile)
            classes[index].layouts.insert(layout, at: 0)
            if classes[index].layouts.count > 8 { classes[index].layouts.removeLast() }
        }
        contents.entries.append(InstanceContent(instance, classIndex: index, layoutIndex: contents.layoutIndex(layout),
                                                layout: layout, scratch: &scratch, text: &contents.text))
    }

    /// The index of the instance's class in `classes` and `contents.classes` (the same order).
    private mutating func classIndex(_ instance: CimInstanceJSON, contents: inout EncodedContents) -> Int {
        if let last = lastClass, classes[last].className == instance.className, classes[last].namespace == instance.namespace {
            return last
        }
        let index = classes.firstIndex { $0.className == instance.className && $0.namespace == instance.namespace } ?? {
            let schema = schemas.schema(namespace: instance.namespace, className: instance.className)
            classes.append(ClassFacts(namespace: instance.namespace, className: instance.className, schema: schema,
                                      volatile: VolatileNames(schema)))
            contents.classes.append((instance.namespace, instance.className))
            return classes.count - 1
        }()
        lastClass = index
        return index
    }
}

/// How instances with one list of property names are hashed and stored: the members in canonical
/// (UTF-8 byte) order, split into non-volatile and volatile, the identity's members, and the names'
/// positions, which the store keeps once per layout rather than once per instance.
struct MemberLayout: Sendable {
    struct IdentityMember: Sendable {
        /// `"Name":` as JSON bytes, in the identity's spelling.
        let key: [UInt8]
        /// The index of the instance's property, nil when the instance lacks it (written as null).
        let member: Int?
    }

    /// An instance with this layout: others fit when they have its member keys (`hasSameKeys`).
    let sample: CimInstanceJSON
    let keyNames: [String]
    /// `{"class":C,"namespace":N,"properties":{` as canonical JSON bytes.
    let stableHeader: [UInt8]
    let sortedStable: [Int]
    let sortedVolatile: [Int]
    /// Sorted by name; nil when the instance is its own identity.
    let identity: [IdentityMember]?
    /// The property names with their positions in wire order, as the store keeps them:
    /// `{"Name":0,"ProcessId":1}`. An instance's stored values are a JSON array in that order.
    let positions: [UInt8]
    /// Tells layouts apart cheaply (unique in the process).
    let serial: Int

    private static let serials = Atomic<Int>(0)

    init(_ instance: CimInstanceJSON, schema: CimClassSchema?, volatile: inout VolatileNames) {
        let names = instance.names
        sample = instance
        keyNames = instance.keyNames
        var writer = CimJSONWriter(style: .canonical, reservingCapacity: 128)
        writer.append(byte: UInt8(ascii: "{"))
        writer.write(member: "class", value: .string(instance.className))
        writer.append(byte: UInt8(ascii: ","))
        writer.write(member: "namespace", value: .string(instance.namespace))
        writer.append(rawJSON: ",\"properties\":{")
        stableHeader = writer.bytes

        let order = names.indices.sorted { MemberLayout.precedes(names[$0], $0, names[$1], $1) }
        var stable: [Int] = [], volatileMembers: [Int] = []
        for index in order {
            if volatile.contains(names[index]) { volatileMembers.append(index) } else { stable.append(index) }
        }
        sortedStable = stable
        sortedVolatile = volatileMembers

        var positions: [UInt8] = [UInt8(ascii: "{")]
        for (position, member) in instance.members.enumerated() {
            if position > 0 { positions.append(UInt8(ascii: ",")) }
            positions.append(contentsOf: instance.object[member.start..<member.valueStart])   // `"Name":`
            positions.append(contentsOf: String(position).utf8)
        }
        positions.append(UInt8(ascii: "}"))
        self.positions = positions
        serial = Self.serials.add(1, ordering: .relaxed).newValue

        let identityNames = InstanceContent.identityNames(schema: schema, keyNames: instance.keyNames)
        identity = identityNames.map { identityNames in
            identityNames.enumerated().sorted { MemberLayout.precedes($0.element, $0.offset, $1.element, $1.offset) }.map { _, name in
                writer.reset()
                writer.write(member: name, value: .null)
                return IdentityMember(key: Array(writer.bytes.dropLast(4)), member: instance.index(of: name))
            }
        }
    }

    /// True when the instance has exactly this layout's property names and key names.
    func fits(_ instance: CimInstanceJSON) -> Bool {
        instance.hasSameKeys(as: sample) && instance.keyNames == keyNames
    }

    /// Canonical member order: UTF-8 bytes of the name, then position (duplicates stay in wire order).
    private static func precedes(_ a: String, _ aIndex: Int, _ b: String, _ bIndex: Int) -> Bool {
        if a == b { return aIndex < bIndex }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

/// The volatile property names of one class, looked up by the exact spelling an instance uses: each
/// spelling is case-folded once, not once per instance.
struct VolatileNames {
    private let folded: Set<String>
    private var known: [String: Bool] = [:]

    init(_ schema: CimClassSchema?) {
        folded = Set((schema?.volatileProperties ?? []).map { $0.lowercased() })
    }

    mutating func contains(_ name: String) -> Bool {
        if folded.isEmpty { return false }
        if let answer = known[name] { return answer }
        let answer = folded.contains(name.lowercased())
        known[name] = answer
        return answer
    }
}
