import Foundation

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
    /// Where each property's member lies in `object`, in wire order.
    public private(set) var members: [CimJSONMember] = []
    /// A hash of the members' keys in order (`keyHash` of each, combined): instances with the same
    /// property names in the same order have the same, so a consumer can tell "same layout as the
    /// last one" without comparing names (then confirm with `hasSameKeys`).
    public private(set) var layoutHash: UInt64 = CimInstanceJSON.emptyLayoutHash
    /// Writes the members; between `beginMember` and `endMember` the caller writes one value with it.
    /// No capacity up front: an empty value stands in while a reused one is lent out, per instance.
    public var writer = CimJSONWriter(style: .canonical, reservingCapacity: 0)

    public init() {}

    /// The object written so far (complete after `finish()`).
    public var object: [UInt8] { writer.bytes }

    /// The property names, in wire order (read back from the members' keys).
    public var names: [String] { members.indices.map(name(at:)) }

    /// The name of the property at `index` of `members`.
    public func name(at index: Int) -> String {
        let member = members[index]
        // `"Name":` — the key without its colon is a JSON string.
        let key = writer.bytes[member.start..<(member.valueStart - 1)]
        guard key.contains(UInt8(ascii: "\\")) else { return String(decoding: key.dropFirst().dropLast(), as: UTF8.self) }
        return (try? JSONDecoder().decode(String.self, from: Data(key))) ?? String(decoding: key, as: UTF8.self)
    }

    /// Starts another instance, keeping the buffers' capacity.
    public mutating func reset(className: String, namespace: String, keyNames: [String]) {
        self.className = className
        self.namespace = namespace
        self.keyNames = keyNames
        members.removeAll(keepingCapacity: true)
        layoutHash = Self.emptyLayoutHash
        writer.reset()
        writer.append(byte: UInt8(ascii: "{"))
    }

    /// Writes `"name":`; the caller writes the value next, then calls `endMember()`.
    public mutating func beginMember(_ name: String) {
        if !members.isEmpty { writer.append(byte: UInt8(ascii: ",")) }
        let start = writer.bytes.count
        writer.write(key: name)
        let hash = writer.bytes.withUnsafeBytes { Self.keyHash(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        addMember(start: start, keyHash: hash)
    }

    /// `beginMember(name)` with the key's bytes written before: `encodedKey` must be what
    /// `CimJSONWriter.write(key: name)` writes, and `keyHash` its `keyHash`. Spares escaping and
    /// hashing a name met once per instance.
    public mutating func beginMember(encodedKey: UnsafeRawBufferPointer, keyHash: UInt64) {
        if !members.isEmpty { writer.append(byte: UInt8(ascii: ",")) }
        let start = writer.bytes.count
        writer.append(rawJSON: encodedKey)
        addMember(start: start, keyHash: keyHash)
    }

    private mutating func addMember(start: Int, keyHash: UInt64) {
        members.append(CimJSONMember(start: start, valueStart: writer.bytes.count, end: writer.bytes.count))
        layoutHash = (layoutHash ^ keyHash) &* 0x9E37_79B9_7F4A_7C15
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

    /// The position of a property in `members`: the exact name first, else case-insensitively, as
    /// `CimInstance.index(of:)` finds it.
    public func index(of name: String) -> Int? { names.firstIndex(ofCIMName: name) }

    /// True when `other` has the same member keys, byte for byte, in the same order.
    public func hasSameKeys(as other: CimInstanceJSON) -> Bool {
        guard members.count == other.members.count, layoutHash == other.layoutHash else { return false }
        return writer.bytes.withUnsafeBytes { mine in
            other.writer.bytes.withUnsafeBytes { theirs in
                zip(members, other.members).allSatisfy { a, b in
                    a.valueStart - a.start == b.valueStart - b.start
                        && memcmp(mine.baseAddress! + a.start, theirs.baseAddress! + b.start, a.valueStart - a.start) == 0
                }
            }
        }
    }

    /// The hash of one member key as written (`"Name":`), for `layoutHash`: a multiply-xorshift
    /// over eight bytes at a time.
    public static func keyHash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: key.count) &* 0xC2B2_AE3D_27D4_EB4F
        var i = 0
        while i + 8 <= key.count {
            h = (h ^ key.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        while i < key.count {
            tail = tail << 8 | UInt64(key[i])
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ h >> 31
    }

    private static let emptyLayoutHash: UInt64 = 0x243F_6A88_85A3_08D3
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
