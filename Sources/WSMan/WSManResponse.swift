import CIMModel

/// A parsed response body.
public enum WSManResponse: Sendable, Hashable {
    /// An IdentifyResponse.
    case identify(IdentifyResponse)
    /// A GetResponse: the instance, with any mismatches against its schema.
    case get(EnumerationItem)
    /// An EnumerateResponse or PullResponse; its items went to the parser's `onItem` callback.
    case enumeration(EnumerationBatch)
    /// A ReleaseResponse.
    case release
    /// A SOAP fault (usually with HTTP 500).
    case fault(WSManFault)
}

/// What an EnumerateResponse or PullResponse said besides its items.
public struct EnumerationBatch: Sendable, Hashable {
    /// `n:EnumerationContext` for the next Pull (empty or absent at the end on some servers).
    public var context: String?
    /// `EndOfSequence` (in the `w:` or `n:` namespace) was present: the enumeration is over.
    public var isEndOfSequence: Bool
    /// How many items the response held (delivered through `onItem`).
    public var itemCount: Int

    public init(context: String?, isEndOfSequence: Bool, itemCount: Int) {
        self.context = context
        self.isEndOfSequence = isEndOfSequence
        self.itemCount = itemCount
    }
}

/// How enumeration items are handed over.
public enum EnumerationItemForm: Sendable, Hashable {
    /// A typed `CimInstance`.
    case instance
    /// `CimInstanceJSON` written straight from the parsed text, for consumers that only store items;
    /// items it cannot express exactly (EPRs, embedded instances, values that do not match the
    /// schema) still come as a `CimInstance`, with their schema issues.
    case json
}

/// One enumeration item: an instance, its endpoint reference, or both (EnumerateObjectAndEPR).
public struct EnumerationItem: Sendable, Hashable {
    /// The instance; nil for EPR-only items, and for items handed over as `json`.
    public var instance: CimInstance?
    /// The instance as JSON members, when the form asked for is `.json` and the item is plain.
    public var json: CimInstanceJSON?
    /// The instance's endpoint reference (`a:EndpointReference`, `cim:Location`), when sent.
    public var endpointReference: CimReference?
    /// Where the values did not match the class schema (CIMModel's `SchemaIssue`); the mismatched
    /// values are kept as strings. Empty when they all matched.
    public var schemaIssues: [SchemaIssue]

    public init(instance: CimInstance?, endpointReference: CimReference? = nil, schemaIssues: [SchemaIssue] = []) {
        self.instance = instance
        self.endpointReference = endpointReference
        self.schemaIssues = schemaIssues
    }

    public init(json: CimInstanceJSON) {
        self.json = json
        schemaIssues = []
    }
}

/// An IdentifyResponse: who answers at the endpoint.
public struct IdentifyResponse: Sendable, Hashable {
    /// `ProtocolVersion`, e.g. `http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd`.
    public var protocolVersion: String
    /// `ProductVendor`: "Microsoft Corporation" on Windows, "Open Management Infrastructure" on OMI.
    public var productVendor: String
    /// `ProductVersion`, e.g. "OS: 10.0.17763 SP: 0.0 Stack: 3.0" (OS 0.0.0 when unauthenticated).
    public var productVersion: String
    /// `SecurityProfileName`s (authenticated requests only).
    public var securityProfiles: [String]

    public init(protocolVersion: String, productVendor: String, productVersion: String, securityProfiles: [String]) {
        self.protocolVersion = protocolVersion
        self.productVendor = productVendor
        self.productVersion = productVersion
        self.securityProfiles = securityProfiles
    }
}
