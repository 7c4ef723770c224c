/// The namespace URIs and action URIs the simulator reads and writes ([MS-WSMV] 2.2.1 and
/// ../shared/reference/wsman.md §1). Windows' own prefixes are used when rendering; parsing
/// matches URIs only.
enum WSManNamespace {
    static let soap = "http://www.w3.org/2003/05/soap-envelope"
    static let addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
    static let wsman = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
    static let enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
    static let transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
    static let eventing = "http://schemas.xmlsoap.org/ws/2004/08/eventing"
    static let microsoftWSMan = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
    static let identity = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
    static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    static let cim = "http://schemas.dmtf.org/wbem/wscim/1/common"
    static let wsmanFault = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
    static let anonymous = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
    static let wmiPrefix = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
    static let wqlDialect = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
    static let selectorDialect = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"
}

/// WS-Management operations the simulator answers, by request Action URI.
enum WSManAction: String, Sendable {
    case get = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"
    case enumerate = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate"
    case pull = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull"
    case release = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release"

    var responseAction: String { rawValue + "Response" }
}
