/// Interns the names and namespace URIs a parse meets, so elements compare by small integers.
///
/// Keyed by the UTF-8 bytes as they stand in the document: an open-addressing table of hashes in
/// front of one byte store, so looking up a name allocates nothing and a new name becomes a Swift
/// string once per parse. A value type, so that the parser state holding it needs no runtime
/// exclusivity checks (see `ParserCore`).
struct NameTable {
    /// Each name as a Swift string, by id.
    private(set) var strings: [String] = []
    /// Every name's bytes, back to back; `spans[id]` says where.
    private var bytes: [UInt8] = []
    private var spans: [(start: Int32, count: Int32)] = []
    /// Open addressing, linear probing; `id + 1` so that 0 marks an empty slot.
    private var slots: [(hash: UInt32, idPlusOne: Int32)]
    private var mask: Int
    /// By id, for names used as qualified names: prefix and local part (`unsplit` until asked).
    private var qualified: [(prefix: Int32, local: Int32)] = []
    private static let unsplit: (prefix: Int32, local: Int32) = (-1, -1)
    private static let invalid: (prefix: Int32, local: Int32) = (-2, -2)

    /// The known names, interned once per process; each parse starts from a copy.
    private static let prototype = NameTable(known: Known.allNames)

    init() { self = Self.prototype }

    private init(known: [String]) {
        slots = Array(repeating: (0, 0), count: 1024)
        mask = slots.count - 1
        for name in known { _ = intern(name) }
    }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// The id of a name given as bytes, interning it the first time.
    @inline(__always)
    mutating func id(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
        let hash = Self.hash(p, count)
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry.idPlusOne == 0 { return insert(p, count, hash: hash, slot: slot) }
            if entry.hash == hash, equals(entry.idPlusOne - 1, p, count) { return entry.idPlusOne - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The length of the name `id` in bytes.
    @inline(__always)
    func length(_ id: Int32) -> Int { Int(spans[Int(id)].count) }

    /// True when the name `id` has exactly these bytes.
    @inline(__always)
    func equals(_ id: Int32, _ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let span = spans[Int(id)]
        guard Int(span.count) == count else { return false }
        return bytes.withUnsafeBufferPointer { Self.sameBytes($0.baseAddress! + Int(span.start), p, count) }
    }

    /// memcmp for short names without the call: eight bytes at a time, the last word overlapping.
    @inline(__always)
    private static func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard count >= 8 else {
            for k in 0..<count where a[k] != b[k] { return false }
            return true
        }
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        var k = 0
        while k + 8 < count {
            if x.loadUnaligned(fromByteOffset: k, as: UInt64.self) != y.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
            k += 8
        }
        return x.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    mutating func intern(_ string: String) -> Int32 {
        var string = string
        return string.withUTF8 { id($0.baseAddress ?? Self.emptyBytes, $0.count) }
    }

    /// The id of a name already interned, without adding it.
    func existing(_ string: String) -> Int32? {
        var string = string
        return string.withUTF8 { utf8 -> Int32? in
            let p = utf8.baseAddress ?? Self.emptyBytes
            let hash = Self.hash(p, utf8.count)
            var slot = Int(hash) & mask
            while slots[slot].idPlusOne != 0 {
                let entry = slots[slot]
                if entry.hash == hash, equals(entry.idPlusOne - 1, p, utf8.count) { return entry.idPlusOne - 1 }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// The prefix (`Known.empty` when none) and local part of the qualified name `id`; nil when it
    /// is no QName (an empty part, or more than one colon).
    @inline(__always)
    mutating func qualifiedName(_ id: Int32) -> (prefix: Int32, local: Int32)? {
        let parts = qualified[Int(id)]
        if parts.prefix >= 0 { return parts }
        if parts == Self.invalid { return nil }
        let split = splitQualifiedName(id)
        qualified[Int(id)] = split ?? Self.invalid
        return split
    }

    private mutating func splitQualifiedName(_ id: Int32) -> (prefix: Int32, local: Int32)? {
        let span = spans[Int(id)]
        let name = Array(bytes[Int(span.start)..<Int(span.start + span.count)])
        guard let colon = name.firstIndex(of: UInt8(ascii: ":")) else { return (Known.empty, id) }
        let local = name[(colon + 1)...]
        guard colon > 0, let first = local.first, !local.contains(UInt8(ascii: ":")),
              XMLCharacters.name[Int(first)] & XMLCharacters.nameStart != 0 || first >= 0x80 else { return nil }
        let prefixID = name.withUnsafeBufferPointer { self.id($0.baseAddress!, colon) }
        let localID = name.withUnsafeBufferPointer { self.id($0.baseAddress! + colon + 1, name.count - colon - 1) }
        return (prefixID, localID)
    }

    private mutating func insert(_ p: UnsafePointer<UInt8>, _ count: Int, hash: UInt32, slot: Int) -> Int32 {
        let id = Int32(strings.count)
        spans.append((Int32(bytes.count), Int32(count)))
        bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
        strings.append(String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self))
        qualified.append(Self.unsplit)
        slots[slot] = (hash, id + 1)
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: (0, 0), count: old.count * 2)
        mask = slots.count - 1
        for entry in old where entry.idPlusOne != 0 {
            var slot = Int(entry.hash) & mask
            while slots[slot].idPlusOne != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }

    /// Where an empty name's bytes start (never read).
    nonisolated(unsafe) private static let emptyBytes: UnsafePointer<UInt8> = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

    /// A multiply-xorshift hash, eight bytes at a time.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
        var h = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while i < count {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return UInt32(truncatingIfNeeded: h)
    }

    /// Names known in advance, with fixed ids (their position in `allNames`).
    enum Known {
        static let allNames = [
            "", WSManNamespace.soap, WSManNamespace.addressing, WSManNamespace.enumeration, WSManNamespace.wsman,
            WSManNamespace.xsi, WSManNamespace.cimCommon, WSManNamespace.wsmanFault, WSManNamespace.identity,
            "Envelope", "Header", "Body", "Fault", "EnumerateResponse", "PullResponse", "ReleaseResponse",
            "IdentifyResponse", "EnumerationContext", "Items", "EndOfSequence", "Item", "XmlFragment",
            "EndpointReference", "Address", "ReferenceParameters", "ResourceURI", "SelectorSet", "Selector",
            "Name", "nil", "type", "Datetime", "Interval", "Date", "Time", "CIM_DateTime", "Location",
            "Value", "RelatesTo", "Action", "xml", "xmlns", XMLNamespace.xml, XMLNamespace.xmlns,
        ]
        static let empty: Int32 = 0
        static let soap: Int32 = 1
        static let addressing: Int32 = 2
        static let enumeration: Int32 = 3
        static let wsman: Int32 = 4
        static let xsi: Int32 = 5
        static let cimCommon: Int32 = 6
        static let wsmanFault: Int32 = 7
        static let identity: Int32 = 8
        static let envelope: Int32 = 9
        static let header: Int32 = 10
        static let body: Int32 = 11
        static let fault: Int32 = 12
        static let enumerateResponse: Int32 = 13
        static let pullResponse: Int32 = 14
        static let releaseResponse: Int32 = 15
        static let identifyResponse: Int32 = 16
        static let enumerationContext: Int32 = 17
        static let items: Int32 = 18
        static let endOfSequence: Int32 = 19
        static let item: Int32 = 20
        static let xmlFragment: Int32 = 21
        static let endpointReference: Int32 = 22
        static let address: Int32 = 23
        static let referenceParameters: Int32 = 24
        static let resourceURI: Int32 = 25
        static let selectorSet: Int32 = 26
        static let selector: Int32 = 27
        static let name: Int32 = 28
        static let `nil`: Int32 = 29
        static let type: Int32 = 30
        static let datetime: Int32 = 31
        static let interval: Int32 = 32
        static let date: Int32 = 33
        static let time: Int32 = 34
        static let cimDateTime: Int32 = 35
        static let location: Int32 = 36
        static let value: Int32 = 37
        static let relatesTo: Int32 = 38
        static let action: Int32 = 39
        /// The `xml` and `xmlns` prefixes and the namespaces they are bound to by definition.
        static let xmlPrefix: Int32 = 40
        static let xmlnsPrefix: Int32 = 41
        static let xmlNamespace: Int32 = 42
        static let xmlnsNamespace: Int32 = 43
    }
}

/// The namespaces of the `xml` and `xmlns` prefixes (Namespaces in XML 1.0, section 3).
enum XMLNamespace {
    static let xml = "http://www.w3.org/XML/1998/namespace"
    static let xmlns = "http://www.w3.org/2000/xmlns/"
}
