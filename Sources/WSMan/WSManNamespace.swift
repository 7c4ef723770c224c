/// The XML namespace URIs of WS-Management messages.
///
/// Windows picks its own prefixes (per class, even), and OMI uses `SOAP-ENV`/`wsa`/`wsen`/`wsman`, so
/// the parser matches these URIs and never a prefix. The request writer uses the prefixes Windows
/// itself emits (`s`, `a`, `n`, `w`, `p`, `b`), as in the [MS-WSMV] section 4 examples.
public enum WSManNamespace {
    /// SOAP 1.2 envelope.
    public static let soap = "http://www.w3.org/2003/05/soap-envelope"
    /// WS-Addressing 2004/08.
    public static let addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
    /// WS-Enumeration 2004/09.
    public static let enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
    /// WS-Transfer 2004/09.
    public static let transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
    /// DMTF WS-Management (DSP0226).
    public static let wsman = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
    /// Microsoft's header extensions (SessionId, DataLocale).
    public static let microsoftWSMan = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
    /// DMTF WS-Management CIM binding (DSP0227): association filters, `IsCIM_Error`.
    public static let cimBinding = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd"
    /// XML Schema instance: `xsi:nil`, `xsi:type`.
    public static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    /// WS-CIM common types: `cim:Datetime`, `cim:Interval`, `cim:Location`.
    public static let cimCommon = "http://schemas.dmtf.org/wbem/wscim/1/common"
    /// Microsoft's fault detail: `f:WSManFault`.
    public static let wsmanFault = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
    /// WS-Management identity: Identify / IdentifyResponse.
    public static let identity = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
    /// The anonymous reply-to address.
    public static let anonymousAddress = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
}
