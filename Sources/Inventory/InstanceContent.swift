import CIMModel
import Crypto
import Foundation

/// An instance as the store addresses it: a SHA-256 content address over its canonical JSON and
/// identity, so equal instances (from any host or sweep) are stored once, and a "stable" address
/// that leaves volatile properties out, so diff can skip instances whose only changes are volatile.
struct InstanceContent: Sendable {
    /// SHA-256 of the canonical `{"class","namespace","properties"}` JSON, a newline, and `identity`.
    var hash: Data
    /// The first 16 bytes of the same over the non-volatile properties only (equal to a prefix of
    /// `hash` when the class has no volatile property).
    var stableHash: Data
    /// Canonical JSON object of the identity properties (`{"CreationDate":…,"Handle":"4"}`); `{}` for a
    /// singleton; nil when the class has no schema and the instance no key names (the whole instance
    /// is then its identity).
    var identity: String?
    /// The instance itself, for writing its properties when its content is new.
    var instance: CimInstance

    /// The identity property names diff and the store use for a class: the schema's identity (or
    /// keys), `[]` for a singleton, else the instance's own key names; nil when there are none.
    static func identityNames(schema: CimClassSchema?, instance: CimInstance) -> [String]? {
        if let schema {
            if schema.isSingleton { return [] }
            if !schema.effectiveIdentity.isEmpty { return schema.effectiveIdentity }
        }
        return instance.keyNames.isEmpty ? nil : instance.keyNames
    }

    init(_ instance: CimInstance, schema: CimClassSchema?, volatile: inout VolatileNames, writer: inout CimJSONWriter) {
        self.instance = instance
        if let names = Self.identityNames(schema: schema, instance: instance) {
            writer.reset()
            writer.write(properties: names.map { CimProperty(name: $0, value: instance[$0] ?? .null) })
            identity = writer.text
        } else {
            identity = nil
        }
        let suffix = Array(("\n" + (identity ?? "null")).utf8)
        var bare = instance
        bare.host = nil
        hash = Self.digest(bare, suffix: suffix, writer: &writer)
        let kept = volatile.isEmpty ? instance.properties : instance.properties.filter { !volatile.contains($0.name) }
        if kept.count == instance.properties.count {
            stableHash = hash.prefix(16)
        } else {
            let stable = CimInstance(className: instance.className, namespace: instance.namespace, properties: kept)
            stableHash = Self.digest(stable, suffix: suffix + [0x0A, 0x73], writer: &writer).prefix(16)
        }
    }

    private static func digest(_ instance: CimInstance, suffix: [UInt8], writer: inout CimJSONWriter) -> Data {
        writer.reset()
        writer.write(CimValue.instance(instance))
        var hasher = SHA256()
        hasher.update(data: writer.bytes)
        hasher.update(data: suffix)
        return Data(hasher.finalize())
    }

    /// The properties as a JSON object in wire order, as stored.
    func propertiesJSON(_ writer: inout CimJSONWriter) -> String {
        writer.reset()
        writer.write(properties: instance.properties)
        return writer.text
    }

    /// The addresses of a whole host × class result: SHA-256 over its members' hashes (and stable
    /// hashes), sorted, so the order a host returns instances in does not matter.
    static func setHashes(_ contents: [InstanceContent]) -> (hash: Data, stableHash: Data) {
        var hasher = SHA256(), stableHasher = SHA256()
        for hash in contents.map(\.hash).sorted(by: bytewiseLess) { hasher.update(data: hash) }
        for hash in contents.map(\.stableHash).sorted(by: bytewiseLess) { stableHasher.update(data: hash) }
        return (Data(hasher.finalize()), Data(stableHasher.finalize().prefix(16)))
    }

    /// Byte order of two digests with `memcmp`, rather than `Data.lexicographicallyPrecedes`' walk
    /// of `Data.Iterator` a byte at a time.
    private static func bytewiseLess(_ left: Data, _ right: Data) -> Bool {
        let order = left.withUnsafeBytes { l in
            right.withUnsafeBytes { r in memcmp(l.baseAddress!, r.baseAddress!, min(l.count, r.count)) }
        }
        return order != 0 ? order < 0 : left.count < right.count
    }
}

/// The volatile property names of one class, looked up by the exact spelling an instance uses: each
/// spelling is case-folded once, not once per instance (this runs for every property recorded).
struct VolatileNames {
    private let folded: Set<String>
    private var known: [String: Bool] = [:]

    init(_ schema: CimClassSchema?) {
        folded = Set((schema?.volatileProperties ?? []).map { $0.lowercased() })
    }

    var isEmpty: Bool { folded.isEmpty }

    mutating func contains(_ name: String) -> Bool {
        if folded.isEmpty { return false }
        if let answer = known[name] { return answer }
        let answer = folded.contains(name.lowercased())
        known[name] = answer
        return answer
    }
}
