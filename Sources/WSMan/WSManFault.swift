import CIMModel

/// A SOAP fault from a WS-Management server, keeping everything it said.
///
/// Windows sends the SOAP Code/Subcode/Reason plus an `f:WSManFault` detail (a `Code`, usually an
/// HRESULT, the `Machine`, a message, possibly a nested `f:ProviderFault`) or a `p:MSFT_WmiError`
/// instance; OMI sends Code/Subcode/Reason and sometimes an `OMI_Error` instance (wsman.md §6).
/// Match on `code` and `subcode`, never on text: the text follows `w:Locale`.
///
/// ```swift
/// catch let fault as WSManFault where fault.code == .operationTimedOut { … }
/// ```
public struct WSManFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// `s:Code/s:Value`, resolved to namespace and local name (`Sender`, `Receiver`, `MustUnderstand`).
    public var soapCode: QualifiedName
    /// `s:Subcode/s:Value` (`w:InvalidSelectors`, `n:CannotProcessFilter`, `a:DestinationUnreachable`).
    public var subcode: QualifiedName?
    /// `s:Reason/s:Text`, trimmed.
    public var reason: String
    /// `f:WSManFault/@Code`, else the `error_Code` of an `MSFT_WmiError` detail.
    public var code: Code?
    /// `f:WSManFault/@Machine`.
    public var machine: String?
    /// The text of `f:WSManFault/f:Message`, else the CIM error's `Message`.
    public var message: String?
    /// `w:FaultDetail`, e.g. `…/faultDetail/UnexpectedSelectors`.
    public var faultDetail: String?
    /// The provider that failed, when the server names one.
    public var providerFault: ProviderFault?
    /// A CIM error instance in the detail (`MSFT_WmiError`, `OMI_Error`).
    public var cimError: CimError?
    /// `a:Action` of the fault message (`…/wsman/fault`, `…/enumeration/fault`, `…/addressing/fault`).
    public var action: String?
    /// The host the request went to, when the caller said.
    public var host: String?

    public init(soapCode: QualifiedName, subcode: QualifiedName? = nil, reason: String, code: Code? = nil,
                machine: String? = nil, message: String? = nil, faultDetail: String? = nil,
                providerFault: ProviderFault? = nil, cimError: CimError? = nil, action: String? = nil,
                host: String? = nil) {
        self.soapCode = soapCode
        self.subcode = subcode
        self.reason = reason
        self.code = code
        self.machine = machine
        self.message = message
        self.faultDetail = faultDetail
        self.providerFault = providerFault
        self.cimError = cimError
        self.action = action
        self.host = host
    }

    /// A namespace-qualified name, as in a SOAP fault code.
    public struct QualifiedName: Sendable, Hashable, CustomStringConvertible {
        public var namespace: String
        public var localName: String
        public init(namespace: String, localName: String) {
            self.namespace = namespace
            self.localName = localName
        }
        public var description: String { localName }
    }

    /// `f:ProviderFault`: the plugin or WMI provider that failed, with its own code and message.
    public struct ProviderFault: Sendable, Hashable {
        /// `@provider`, e.g. "WMI Provider".
        public var provider: String?
        /// `@path`, e.g. `%systemroot%\system32\WsmWmiPl.dll`.
        public var path: String?
        /// The inner `f:WSManFault/@Code`.
        public var code: Code?
        /// The inner `f:WSManFault/@Machine`.
        public var machine: String?
        /// The inner message, or the provider fault's own text.
        public var message: String?

        public init(provider: String? = nil, path: String? = nil, code: Code? = nil, machine: String? = nil,
                    message: String? = nil) {
            self.provider = provider
            self.path = path
            self.code = code
            self.machine = machine
            self.message = message
        }
    }

    /// A CIM_Error instance in the detail (`b:IsCIM_Error="true"`): `MSFT_WmiError` on Windows,
    /// `OMI_Error` on OMI.
    public struct CimError: Sendable, Hashable {
        /// The error class, e.g. `MSFT_WmiError`.
        public var className: String
        /// `CIMStatusCode` (DSP0004: 6 NOT_FOUND, 27 SERVER_LIMITS_EXCEEDED, …).
        public var cimStatusCode: UInt32?
        /// `error_Code` (Windows: the HRESULT).
        public var errorCode: UInt32?
        /// `Message`.
        public var message: String?
        /// `MessageID`, e.g. "HRESULT 0x803381a5".
        public var messageID: String?
        /// Every property as sent (trimmed text; nil for `xsi:nil`).
        public var properties: [String: String?]

        public init(className: String, cimStatusCode: UInt32? = nil, errorCode: UInt32? = nil, message: String? = nil,
                    messageID: String? = nil, properties: [String: String?] = [:]) {
            self.className = className
            self.cimStatusCode = cimStatusCode
            self.errorCode = errorCode
            self.message = message
            self.messageID = messageID
            self.properties = properties
        }
    }

    /// What an operator reads: where, which code, what the server said, and what to do.
    public var description: String {
        var text = (machine.flatMap { $0.isEmpty ? nil : $0 } ?? host ?? "server") + ": WS-Management fault"
        if let code { text += " \(code)" }
        text += " (\(subcode?.localName ?? soapCode.localName))"
        let said = message ?? providerFault?.message ?? cimError?.message ?? reason
        if !said.isEmpty { text += ": " + said }
        if let provider = providerFault?.provider { text += " [provider: \(provider)]" }
        if let hint { text += ". " + hint }
        return text
    }
}
