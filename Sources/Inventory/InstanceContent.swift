import CIMModel
import Crypto
import Foundation

/// An instance as the store addresses it: a SHA-256 content address over its canonical JSON and
/// identity, so equal instances (from any host or sweep) are stored once, and a "stable" address
/// that leaves volatile properties out, so diff can skip instances whose only changes are volatile.
///
/// Each property is encoded once (`"name":value`, canonical value form); the stored values, the
/// identity and both hashes are assembled from those bytes. The store keeps the values alone (a JSON
/// array) and the names once per layout, so hashes do not depend on that form. Hashed forms (v2):
/// - stable = `{"class":C,"namespace":N,"properties":{non-volatile members sorted by name}}`
/// - S = SHA-256(stable ‖ "\n" ‖ identity); `stableHash` = its first 16 bytes
/// - `hash` = SHA-256(S ‖ "\n" ‖ `{volatile members sorted}`): the members are hashed once
/// Compact JSON never holds a raw newline, so the parts cannot run into each other.
///
/// A sweep makes one of these per instance (10^5–10^6), so it holds no heap storage of its own:
/// the digests are inline and the JSON texts are ranges of its result set's shared buffer.
struct InstanceContent: Sendable {
    /// Part of the volatility signature: rows hashed under another scheme get another epoch.
    static let hashScheme = "content hash v2: stable digest, then volatile members"

    var hash: InlineDigest
    /// Equal to a prefix of `hash` in meaning only when nothing volatile changed; compare it only
    /// between rows of the same volatility epoch.
    var stableHash: InlineDigest
    /// Index of the class in `EncodedContents.classes`.
    var classIndex: Int
    /// Index of the layout (property names) in `EncodedContents.layouts`.
    var layoutIndex: Int
    /// The property values as one JSON array, in wire order, as stored: a range of `EncodedContents.text`.
    var values: Range<Int>
    /// Canonical JSON object of the identity properties (`{"CreationDate":…,"Handle":"4"}`); `{}` for a
    /// singleton; nil when the class has no schema and the instance no key names (the whole instance
    /// is then its identity). A range of `EncodedContents.text`.
    var identity: Range<Int>?

    /// The identity property names diff and the store use for a class: the schema's identity (or
    /// keys), `[]` for a singleton, else the instance's own key names; nil when there are none.
    static func identityNames(schema: CimClassSchema?, keyNames: [String]) -> [String]? {
        if let schema {
            if schema.isSingleton { return [] }
            if !schema.effectiveIdentity.isEmpty { return schema.effectiveIdentity }
        }
        return keyNames.isEmpty ? nil : keyNames
    }

    /// Encodes `instance`, appending its JSON texts to `text`.
    init(_ instance: CimInstanceJSON, classIndex: Int, layoutIndex: Int, layout: MemberLayout,
         scratch: inout ContentScratch, text: inout [UInt8]) {
        self.classIndex = classIndex
        self.layoutIndex = layoutIndex
        let members = instance.members
        // Each part is written through a pointer into one scratch buffer (an instance has ~40
        // members: an Array append per piece cost more than the copying), then the stored part is
        // appended to `text` at once. Member ranges are disjoint pieces of the wire object, so no
        // part outgrows the wire object plus its own brackets, separators and names.
        let wireCount = instance.object.count
        let identityBound = layout.identity.map { names in names.reduce(2 + wireCount) { $0 + $1.key.count + 5 } } ?? 0
        let storedBound = wireCount + 2 + identityBound
        let stableBound = layout.stableHeader.count + wireCount + 2
        let volatileBound = wireCount + 2
        var buffer = scratch.bytes
        scratch.bytes = []   // so that `buffer` is its only owner and writing never copies it
        if buffer.count < storedBound + stableBound + volatileBound {
            buffer = [UInt8](repeating: 0, count: max(storedBound + stableBound + volatileBound, buffer.count * 2))
        }
        let valuesStart = text.count
        let (valuesCount, storedCount, stableHash, hash) = buffer.withUnsafeMutableBufferPointer { out in
            instance.object.withUnsafeBufferPointer { wire in
                var stored = BytePen(out.baseAddress!, capacity: storedBound)
                stored.put(UInt8(ascii: "["))
                for (position, member) in members.enumerated() {
                    if position > 0 { stored.put(UInt8(ascii: ",")) }
                    stored.put(UnsafeBufferPointer(rebasing: wire[member.valueStart..<member.end]))
                }
                stored.put(UInt8(ascii: "]"))
                let valuesCount = stored.count
                if let names = layout.identity {
                    stored.put(UInt8(ascii: "{"))
                    for (position, name) in names.enumerated() {
                        if position > 0 { stored.put(UInt8(ascii: ",")) }
                        stored.put(name.key)
                        if let index = name.member {
                            let member = members[index]
                            stored.put(UnsafeBufferPointer(rebasing: wire[member.valueStart..<member.end]))
                        } else {
                            stored.put(Self.null)
                        }
                    }
                    stored.put(UInt8(ascii: "}"))
                }
                text.append(contentsOf: stored.written)

                var stableHasher = SHA256()
                var stable = BytePen(out.baseAddress! + storedBound, capacity: stableBound)
                stable.put(layout.stableHeader)
                Self.putObjectBody(layout.sortedStable, of: members, from: wire, to: &stable)
                stable.put(Self.closeStable)
                stableHasher.update(bufferPointer: UnsafeRawBufferPointer(stable.written))
                stableHasher.update(data: Self.newline)
                if layout.identity == nil {
                    stableHasher.update(data: Self.null)   // no identity hashes as JSON null
                } else {
                    stableHasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(stored.written)[valuesCount...]))
                }

                var volatile = BytePen(out.baseAddress! + storedBound + stableBound, capacity: volatileBound)
                volatile.put(UInt8(ascii: "{"))
                Self.putObjectBody(layout.sortedVolatile, of: members, from: wire, to: &volatile)
                volatile.put(UInt8(ascii: "}"))
                var hasher = SHA256()
                let stableHash = stableHasher.finalize().withUnsafeBytes { digest in
                    hasher.update(bufferPointer: digest)
                    return InlineDigest(UnsafeRawBufferPointer(rebasing: digest.prefix(16)))
                }
                hasher.update(data: Self.newline)
                hasher.update(bufferPointer: UnsafeRawBufferPointer(volatile.written))
                return (valuesCount, stored.count, stableHash, hasher.finalize().withUnsafeBytes { InlineDigest($0) })
            }
        }
        self.hash = hash
        self.stableHash = stableHash
        values = valuesStart..<(valuesStart + valuesCount)
        identity = layout.identity == nil ? nil : (valuesStart + valuesCount)..<(valuesStart + storedCount)
        scratch.bytes = buffer
    }

    private static let newline: [UInt8] = [0x0A]
    private static let null: [UInt8] = Array("null".utf8)
    private static let closeStable: [UInt8] = Array("}}".utf8)

    /// Writes the members at `order` (indexes into `members`), comma-separated.
    private static func putObjectBody(_ order: [Int], of members: [CimJSONMember], from wire: UnsafeBufferPointer<UInt8>,
                                      to output: inout BytePen) {
        for (position, index) in order.enumerated() {
            if position > 0 { output.put(UInt8(ascii: ",")) }
            let member = members[index]
            output.put(UnsafeBufferPointer(rebasing: wire[member.start..<member.end]))
        }
    }

    /// The addresses of a whole host × class result: SHA-256 over its members' hashes (and stable
    /// hashes), sorted, so the order a host returns instances in does not matter.
    static func setHashes(_ contents: [InstanceContent]) -> (hash: Data, stableHash: Data) {
        (sortedDigest(contents.map(\.hash)), Data(sortedDigest(contents.map(\.stableHash)).prefix(16)))
    }

    /// SHA-256 over digests in byte order.
    private static func sortedDigest(_ digests: [InlineDigest]) -> Data {
        var hasher = SHA256()
        for digest in digests.sorted() { digest.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return Data(hasher.finalize())
    }
}

/// A digest of up to 32 bytes held inline: no heap allocation per instance. Orders by its bytes.
struct InlineDigest: Sendable, Comparable {
    /// The bytes, as they are in memory (not numbers).
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private let count: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= 32, "an InlineDigest holds at most 32 bytes")
        count = bytes.count
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
    }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words) { try body(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
    }

    var data: Data { withUnsafeBytes { Data($0) } }

    /// Byte order: big-endian word by word, then length (a prefix sorts first).
    static func < (left: InlineDigest, right: InlineDigest) -> Bool {
        let l = left.words, r = right.words
        if l.0 != r.0 { return UInt64(bigEndian: l.0) < UInt64(bigEndian: r.0) }
        if l.1 != r.1 { return UInt64(bigEndian: l.1) < UInt64(bigEndian: r.1) }
        if l.2 != r.2 { return UInt64(bigEndian: l.2) < UInt64(bigEndian: r.2) }
        if l.3 != r.3 { return UInt64(bigEndian: l.3) < UInt64(bigEndian: r.3) }
        return left.count < right.count
    }

    static func == (left: InlineDigest, right: InlineDigest) -> Bool {
        left.words == right.words && left.count == right.count
    }
}

/// The buffer reused from one instance to the next while a result set is encoded; its count is its
/// capacity (the bytes are scratch, not content).
struct ContentScratch {
    var bytes: [UInt8] = []
}

/// Writes bytes through a pointer into memory of a fixed capacity, checking each piece fits.
private struct BytePen {
    private let start: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0

    init(_ start: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.start = start
        self.capacity = capacity
    }

    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    mutating func put(_ byte: UInt8) {
        precondition(count < capacity, "BytePen overflow")
        start[count] = byte
        count += 1
    }

    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= capacity - count, "BytePen overflow")
        guard let source = bytes.baseAddress else { return }
        (start + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { put($0) }
    }
}
