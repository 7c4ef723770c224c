import CIMModel
import Crypto
import Foundation

/// An instance as the store keeps it: its properties as JSON, its identity, and a SHA-256 content
/// address over both, so equal instances (from any host or sweep) are stored once.
struct InstanceContent: Sendable {
    /// SHA-256 of the canonical `{"class","namespace","properties"}` JSON, a newline, and `identity`.
    var hash: Data
    var className: String
    var namespace: String
    /// Canonical JSON object of the identity properties (`{"CreationDate":…,"Handle":"4"}`); `{}` for a
    /// singleton; nil when the class has no schema and the instance no key names (the whole instance
    /// is then its identity).
    var identity: String?
    /// The properties as a JSON object in wire order.
    var properties: String

    /// The identity property names diff and the store use for a class: the schema's identity (or
    /// keys), `[]` for a singleton, else the instance's own key names; nil when there are none.
    static func identityNames(schema: CimClassSchema?, instance: CimInstance) -> [String]? {
        if let schema {
            if schema.isSingleton { return [] }
            if !schema.effectiveIdentity.isEmpty { return schema.effectiveIdentity }
        }
        return instance.keyNames.isEmpty ? nil : instance.keyNames
    }

    init(_ instance: CimInstance, schema: CimClassSchema?, wire: inout CimJSONWriter, canonical: inout CimJSONWriter) {
        className = instance.className
        namespace = instance.namespace
        wire.reset()
        wire.write(properties: instance.properties)
        properties = wire.text
        if let names = Self.identityNames(schema: schema, instance: instance) {
            canonical.reset()
            canonical.write(properties: names.map { CimProperty(name: $0, value: instance[$0] ?? .null) })
            identity = canonical.text
        } else {
            identity = nil
        }
        canonical.reset()
        var bare = instance
        bare.host = nil
        canonical.write(CimValue.instance(bare))
        var hasher = SHA256()
        hasher.update(data: canonical.bytes)
        hasher.update(data: Array(("\n" + (identity ?? "null")).utf8))
        hash = Data(hasher.finalize())
    }

    /// The address of a whole host × class result: SHA-256 over its members' hashes, sorted, so the
    /// order a host returns instances in does not matter.
    static func setHash(_ contents: [InstanceContent]) -> Data {
        var hasher = SHA256()
        for hash in contents.map(\.hash).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            hasher.update(data: hash)
        }
        return Data(hasher.finalize())
    }
}
