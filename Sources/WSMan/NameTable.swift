import CLibXML2

/// Interns the names and namespace URIs a parse meets, so elements compare by small integers.
///
/// libxml2 hands out names and namespace URIs from its per-parser dictionary, so one string has one
/// pointer for the life of the parser; the pointer cache turns each distinct name into a Swift
/// string once per parse instead of once per element. A value type, so that the parser state
/// holding it needs no runtime exclusivity checks (see `ParserCore`).
struct NameTable {
    private var byPointer: [UnsafeRawPointer: Int32] = [:]
    private var byString: [String: Int32] = [:]
    private(set) var strings: [String] = []
    /// A direct-mapped cache in front of `byPointer`: two lookups per element made hashing one of
    /// the larger costs of parsing, and an item's ~60 names fit in 256 slots.
    private var recent = [RecentName](repeating: RecentName(pointer: nil, id: 0), count: 256)

    private struct RecentName {
        var pointer: UnsafeRawPointer?
        var id: Int32
    }

    /// The known names' index, built once per process; each parse starts from a copy.
    private static let knownIDs = Dictionary(uniqueKeysWithValues: Known.allNames.enumerated().map { ($1, Int32($0)) })

    init() {
        strings = Known.allNames
        byString = Self.knownIDs
    }

    /// The id of a libxml2 dictionary string; 0 (the empty string) for NULL.
    @inline(__always)
    mutating func id(_ pointer: UnsafePointer<xmlChar>?) -> Int32 {
        guard let pointer else { return Known.empty }
        let raw = UnsafeRawPointer(pointer)
        let slot = (Int(bitPattern: raw) >> 3) & 255
        if recent[slot].pointer == raw { return recent[slot].id }
        let id: Int32
        if let known = byPointer[raw] {
            id = known
        } else {
            id = intern(String(cString: pointer))
            byPointer[raw] = id
        }
        recent[slot] = RecentName(pointer: raw, id: id)
        return id
    }

    mutating func intern(_ string: String) -> Int32 {
        if let id = byString[string] { return id }
        let id = Int32(strings.count)
        strings.append(string)
        byString[string] = id
        return id
    }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// The id of a name already interned, without adding it.
    func existing(_ string: String) -> Int32? { byString[string] }

    /// Names known in advance, with fixed ids (their position in `allNames`).
    enum Known {
        static let allNames = [
            "", WSManNamespace.soap, WSManNamespace.addressing, WSManNamespace.enumeration, WSManNamespace.wsman,
            WSManNamespace.xsi, WSManNamespace.cimCommon, WSManNamespace.wsmanFault, WSManNamespace.identity,
            "Envelope", "Header", "Body", "Fault", "EnumerateResponse", "PullResponse", "ReleaseResponse",
            "IdentifyResponse", "EnumerationContext", "Items", "EndOfSequence", "Item", "XmlFragment",
            "EndpointReference", "Address", "ReferenceParameters", "ResourceURI", "SelectorSet", "Selector",
            "Name", "nil", "type", "Datetime", "Interval", "Date", "Time", "CIM_DateTime", "Location",
            "Value", "RelatesTo", "Action",
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
    }
}
