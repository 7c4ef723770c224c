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

/// One enumeration item: an instance, its endpoint reference, or both (EnumerateObjectAndEPR).
public struct EnumerationItem: Sendable, Hashable {
    /// The instance; nil for EPR-only items.
    public var instance: CimInstance?
    /// The instance's endpoint reference (`a:EndpointReference`, `cim:Location`), when sent.
    public var endpointReference: CimReference?
    /// Where the values did not match the class schema; empty when they all did.
    public var schemaIssues: [SchemaIssue]

    public init(instance: CimInstance?, endpointReference: CimReference? = nil, schemaIssues: [SchemaIssue] = []) {
        self.instance = instance
        self.endpointReference = endpointReference
        self.schemaIssues = schemaIssues
    }
}

/// A value that does not fit the class schema. The value is kept (as a string) and the item is
/// still delivered; the issue says what was off.
public struct SchemaIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The text does not read as the declared type.
        case typeMismatch(expected: CimType)
        /// The schema does not declare this property.
        case unknownProperty
    }

    /// The class of the instance.
    public var className: String
    /// The property.
    public var property: String
    /// What was off.
    public var kind: Kind
    /// The text as received (cut to 80 characters), for type mismatches.
    public var text: String?

    public init(className: String, property: String, kind: Kind, text: String? = nil) {
        self.className = className
        self.property = property
        self.kind = kind
        self.text = text.map { $0.count > 80 ? String($0.prefix(80)) + "…" : $0 }
    }

    public var description: String {
        switch kind {
        case .typeMismatch(let expected):
            "\(className).\(property): '\(text ?? "")' is not a valid \(expected); kept as a string"
        case .unknownProperty:
            "\(className).\(property): not in the schema; kept as a string"
        }
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
