import CIMModel

/// The filter of an Enumerate request (`w:Filter` with a `Dialect`).
///
/// [MS-WSMV] 3.1.4.1.13: Windows processes the WQL dialect for CIM/WMI resource URIs and the
/// association dialect ([DMTF-DSP0227] 8.2) for CIM resources; the selector dialect is the one in
/// the [MS-WSMV] 4.9 example.
public enum WSManFilter: Sendable, Hashable {
    /// A WQL query, e.g. `SELECT * FROM Win32_Process WHERE Name = 'svchost.exe'`.
    case wql(String)
    /// Instances whose keys match these selectors.
    case selectors(SelectorSet)
    /// Associators of an instance (`b:AssociatedInstances`): the instances at the other end.
    case associators(AssociationFilter)
    /// References to an instance (`b:AssociationInstances`): the association instances themselves.
    case references(AssociationFilter)

    /// `http://schemas.microsoft.com/wbem/wsman/1/WQL`.
    public static let wqlDialect = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
    /// `http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter`.
    public static let selectorDialect = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"
    /// `http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter`.
    public static let associationDialect = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter"

    /// The dialect URI sent in `w:Filter/@Dialect`.
    public var dialect: String {
        switch self {
        case .wql: Self.wqlDialect
        case .selectors: Self.selectorDialect
        case .associators, .references: Self.associationDialect
        }
    }

    func write(to xml: inout XMLBytes) {
        xml.raw("<w:Filter Dialect=\"")
        xml.attribute(dialect)
        xml.raw("\">")
        switch self {
        case .wql(let query):
            xml.text(query)
        case .selectors(let set):
            set.write(to: &xml)
        case .associators(let filter):
            filter.write(to: &xml, element: "b:AssociatedInstances")
        case .references(let filter):
            filter.write(to: &xml, element: "b:AssociationInstances")
        }
        xml.raw("</w:Filter>")
    }
}

/// The parameters of an association filter ([DMTF-DSP0227] 8.2): the source instance and optional
/// narrowing by association class, role and result class.
public struct AssociationFilter: Sendable, Hashable {
    /// The instance whose associations are followed (sent as `b:Object`, an endpoint reference).
    public var object: CimReference
    /// Only associations of this class.
    public var associationClassName: String?
    /// Only associations where the source plays this role.
    public var role: String?
    /// Only results of this class.
    public var resultClassName: String?
    /// Only results playing this role (associators only).
    public var resultRole: String?

    public init(object: CimReference, associationClassName: String? = nil, role: String? = nil,
                resultClassName: String? = nil, resultRole: String? = nil) {
        self.object = object
        self.associationClassName = associationClassName
        self.role = role
        self.resultClassName = resultClassName
        self.resultRole = resultRole
    }

    func write(to xml: inout XMLBytes, element: String) {
        xml.raw("<\(element)><b:Object>")
        xml.element("a:Address", text: object.address)
        xml.raw("<a:ReferenceParameters>")
        xml.element("w:ResourceURI", text: object.resourceURI)
        SelectorSet(object.selectors).write(to: &xml)
        xml.raw("</a:ReferenceParameters></b:Object>")
        if let associationClassName { xml.element("b:AssociationClassName", text: associationClassName) }
        if let role { xml.element("b:Role", text: role) }
        if let resultClassName { xml.element("b:ResultClassName", text: resultClassName) }
        if let resultRole { xml.element("b:ResultRole", text: resultRole) }
        xml.raw("</\(element)>")
    }
}

/// What an enumeration returns per item (`w:EnumerationMode`).
public enum EnumerationMode: String, Sendable, Hashable {
    /// Instances only (no `w:EnumerationMode` element is sent).
    case objects
    /// Each item is `w:Item` holding the instance and its `a:EndpointReference`.
    case objectsAndReferences = "EnumerateObjectAndEPR"
    /// Endpoint references only.
    case references = "EnumerateEPR"
}
