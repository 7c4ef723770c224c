import CIMModel
import Crypto
import Foundation

/// An instance as the store addresses it: a SHA-256 content address over its canonical JSON and
/// identity, so equal instances (from any host or sweep) are stored once, and a "stable" address
/// that leaves volatile properties out, so diff can skip instances whose only changes are volatile.
///
/// Each property is encoded once (`"name":value`, canonical value form); the stored JSON, the
/// identity and both hashes are assembled from those bytes. Hashed forms (v2):
/// - stable = `{"class":C,"namespace":N,"properties":{non-volatile members sorted by name}}`
/// - S = SHA-256(stable ‖ "\n" ‖ identity); `stableHash` = its first 16 bytes
/// - `hash` = SHA-256(S ‖ "\n" ‖ `{volatile members sorted}`): the members are hashed once
/// Compact JSON never holds a raw newline, so the parts cannot run into each other.
struct InstanceContent: Sendable {
    /// Part of the volatility signature: rows hashed under another scheme get another epoch.
    static let hashScheme = "content hash v2: stable digest, then volatile members"

    var hash: Data
    /// Equal to a prefix of `hash` in meaning only when nothing volatile changed; compare it only
    /// between rows of the same volatility epoch.
    var stableHash: Data
    /// Canonical JSON object of the identity properties (`{"CreationDate":…,"Handle":"4"}`); `{}` for a
    /// singleton; nil when the class has no schema and the instance no key names (the whole instance
    /// is then its identity).
    var identity: String?
    var namespace: String
    var className: String
    /// The properties as one JSON object, in wire order, as stored.
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

    init(_ instance: CimInstance, layout: MemberLayout, scratch: inout ContentScratch) {
        namespace = instance.namespace
        className = instance.className
        // The scratch buffers are moved out (not copied) so that writing to them never copies them,
        // and moved back at the end.
        var writer = scratch.writer, members = scratch.members
        var stable = scratch.stable, identityBytes = scratch.identity, volatileBytes = scratch.volatile
        scratch = ContentScratch(empty: ())
        writer.reset()
        members.removeAll(keepingCapacity: true)
        // The wire-order object, each member's byte range remembered.
        writer.append(byte: UInt8(ascii: "{"))
        for (index, property) in instance.properties.enumerated() {
            if index > 0 { writer.append(byte: UInt8(ascii: ",")) }
            let start = writer.bytes.count
            let valueStart = writer.write(member: property.name, value: property.value)
            members.append(MemberRange(start: start, valueStart: valueStart, end: writer.bytes.count))
        }
        writer.append(byte: UInt8(ascii: "}"))

        stable.removeAll(keepingCapacity: true)
        identityBytes.removeAll(keepingCapacity: true)
        volatileBytes.removeAll(keepingCapacity: true)
        writer.bytes.withUnsafeBufferPointer { wire in
            stable.append(contentsOf: layout.stableHeader)
            Self.appendObjectBody(layout.sortedStable, of: members, from: wire, to: &stable)
            stable.append(contentsOf: "}}".utf8)
            volatileBytes.append(UInt8(ascii: "{"))
            Self.appendObjectBody(layout.sortedVolatile, of: members, from: wire, to: &volatileBytes)
            volatileBytes.append(UInt8(ascii: "}"))
            if let names = layout.identity {
                identityBytes.append(UInt8(ascii: "{"))
                for (position, name) in names.enumerated() {
                    if position > 0 { identityBytes.append(UInt8(ascii: ",")) }
                    identityBytes.append(contentsOf: name.key)
                    if let index = name.member {
                        let member = members[index]
                        identityBytes.append(contentsOf: UnsafeBufferPointer(rebasing: wire[member.valueStart..<member.end]))
                    } else {
                        identityBytes.append(contentsOf: "null".utf8)
                    }
                }
                identityBytes.append(UInt8(ascii: "}"))
            } else {
                identityBytes.append(contentsOf: "null".utf8)
            }
        }
        identity = layout.identity == nil ? nil : String(decoding: identityBytes, as: UTF8.self)
        properties = String(decoding: writer.bytes, as: UTF8.self)

        let newline: [UInt8] = [0x0A]
        var stableHasher = SHA256()
        stableHasher.update(data: stable)
        stableHasher.update(data: newline)
        stableHasher.update(data: identityBytes)
        let stableDigest = stableHasher.finalize()
        stableHash = Data(stableDigest.prefix(16))
        var hasher = SHA256()
        stableDigest.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(data: newline)
        hasher.update(data: volatileBytes)
        hash = Data(hasher.finalize())

        scratch.writer = writer
        scratch.members = members
        scratch.stable = stable
        scratch.identity = identityBytes
        scratch.volatile = volatileBytes
    }

    /// Appends the members at `order` (indexes into `members`), comma-separated.
    private static func appendObjectBody(_ order: [Int], of members: [MemberRange], from wire: UnsafeBufferPointer<UInt8>,
                                         to output: inout [UInt8]) {
        for (position, index) in order.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            let member = members[index]
            output.append(contentsOf: UnsafeBufferPointer(rebasing: wire[member.start..<member.end]))
        }
    }

    /// The addresses of a whole host × class result: SHA-256 over its members' hashes (and stable
    /// hashes), sorted, so the order a host returns instances in does not matter.
    static func setHashes(_ contents: [InstanceContent]) -> (hash: Data, stableHash: Data) {
        (Data(sortedDigest(contents.map { ($0.hash.sortKey, $0.hash) })),
         Data(sortedDigest(contents.map { ($0.stableHash.sortKey, $0.stableHash) }).prefix(16)))
    }

    /// SHA-256 over digests in byte order: sorted by their first 8 bytes as an integer (ties,
    /// practically never, by all bytes), as comparing `Data` values costs a closure call each.
    private static func sortedDigest(_ keyed: [(key: UInt64, digest: Data)]) -> SHA256.Digest {
        var hasher = SHA256()
        for entry in keyed.sorted(by: { $0.key != $1.key ? $0.key < $1.key : bytewiseLess($0.digest, $1.digest) }) {
            hasher.update(data: entry.digest)
        }
        return hasher.finalize()
    }

    private static func bytewiseLess(_ left: Data, _ right: Data) -> Bool {
        let order = left.withUnsafeBytes { l in
            right.withUnsafeBytes { r in memcmp(l.baseAddress!, r.baseAddress!, min(l.count, r.count)) }
        }
        return order != 0 ? order < 0 : left.count < right.count
    }
}

/// Where one `"name":value` member lies in the encoded wire-order object.
struct MemberRange {
    var start: Int
    var valueStart: Int
    var end: Int
}

/// Buffers reused from one instance to the next while a result set is encoded.
struct ContentScratch {
    var writer: CimJSONWriter
    var members: [MemberRange] = []
    var stable: [UInt8] = []
    var identity: [UInt8] = []
    var volatile: [UInt8] = []

    init() { writer = CimJSONWriter(style: .canonical, reservingCapacity: 4096) }

    /// Holds no buffer: what stands in while the real buffers are lent out.
    init(empty: Void) { writer = CimJSONWriter(style: .canonical, reservingCapacity: 0) }
}

extension Data {
    /// The first 8 bytes as a big-endian integer: integer order is byte order for digests.
    fileprivate var sortKey: UInt64 {
        withUnsafeBytes { $0.count >= 8 ? $0.loadUnaligned(as: UInt64.self).bigEndian : 0 }
    }
}
