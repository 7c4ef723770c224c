/// A WS-Management fault as Windows sends it: HTTP 500, a SOAP 1.2 Fault with Code/Subcode/Reason,
/// optionally `w:FaultDetail`, and an `f:WSManFault` detail with Code and Machine, often wrapping an
/// `f:ProviderFault` (shapes from the REAL corpus files named on each case; codes from wsman.md §6.2).
struct SimulatedFault: Error, Sendable, Equatable {
    var action = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
    var code = "s:Sender"
    var subcode: String
    var reason: String
    var wsmanCode: UInt32
    var faultDetail: String?
    var provider: (name: String, path: String, message: String)?

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.subcode == rhs.subcode && lhs.wsmanCode == rhs.wsmanCode }

    /// WQL naming a class the namespace lacks (WinRb `soap_fault_v2.xml`, 2008 R2).
    static func cannotProcessFilter(_ message: String) -> Self {
        Self(action: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault", subcode: "n:CannotProcessFilter",
             reason: "The data source could not process the filter. The filter might be missing or it might be invalid. Change the filter and try the request again.  ",
             wsmanCode: 2_150_858_778,
             provider: ("WMI Provider", "%systemroot%\\system32\\WsmWmiPl.dll", message))
    }

    /// A resource URI naming no class on the host ([MS-WSMV] 4.10 example; code 0x80338000).
    static func resourceNotFound() -> Self {
        Self(action: "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault", subcode: "a:DestinationUnreachable",
             reason: "The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors. ",
             wsmanCode: 2_150_858_752, faultDetail: "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidResourceURI",
             provider: ("WMI Provider", "%systemroot%\\system32\\WsmWmiPl.dll", "The WS-Management service cannot process the request. The WMI service returned an 'invalid class' error. "))
    }

    /// Wrong or missing keys, or an instance that is gone (pypsrp `get-shell-fault-InvalidSelectors`).
    static func invalidSelectors(missing: Bool) -> Self {
        Self(subcode: "w:InvalidSelectors",
             reason: "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ",
             wsmanCode: missing ? 2_150_858_842 : 2_150_858_843,
             faultDetail: "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/" + (missing ? "InsufficientSelectors" : "UnexpectedSelectors"),
             provider: ("WMI Provider", "%systemroot%\\system32\\WsmWmiPl.dll", "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. "))
    }

    /// A Pull or Release on a context that expired, was released, or never existed (0x8033801B).
    static func invalidEnumerationContext() -> Self {
        Self(action: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault", code: "s:Receiver",
             subcode: "n:InvalidEnumerationContext",
             reason: "The WS-Management service cannot process the request because the enumeration context supplied in the message is not valid.  Retry the request with a valid enumeration context. ",
             wsmanCode: 2_150_858_779)
    }

    /// A response that would not fit the request's MaxEnvelopeSize (0x80338048), or a MaxEnvelopeSize below 8192.
    static func encodingLimit(tooSmall: Bool) -> Self {
        Self(subcode: "w:EncodingLimit",
             reason: tooSmall
                ? "The WS-Management service cannot process the request because the envelope size in the request is too small. "
                : "The WS-Management service cannot process the request because the response exceeds the maximum envelope size in the request. ",
             wsmanCode: tooSmall ? 2_150_858_805 : 2_150_858_824,
             faultDetail: "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/MaxEnvelopeSize")
    }

    static func accessDenied() -> Self {
        Self(subcode: "w:AccessDenied", reason: "Access is denied. ", wsmanCode: 5)
    }

    /// OperationTimeout expired (pypsrp `receive-fault-TimedOut-operation-timeout`, 0x80338029).
    static func timedOut() -> Self {
        Self(code: "s:Receiver", subcode: "w:TimedOut",
             reason: "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ",
             wsmanCode: 2_150_858_793)
    }

    /// MaxConcurrentOperationsPerUser exceeded (txwinrm `max_concurrent.xml`, Code 2150859174).
    static func concurrentOperationsQuota(limit: Int) -> Self {
        Self(code: "s:Receiver", subcode: "w:InternalError",
             reason: "The WS-Management service cannot process the request. The maximum number of concurrent operations for this user has been exceeded. Close existing operations for this user, or raise the quota for this user. ",
             wsmanCode: 2_150_859_174,
             provider: nil)
            .withMessage("The WS-Management service cannot process the request. This user is allowed a maximum number of \(limit) concurrent operations, which has been exceeded. Close existing operations for this user, or raise the quota for this user. ")
    }

    /// An Action the service does not implement.
    static func actionNotSupported(_ action: String) -> Self {
        Self(action: "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault", subcode: "a:ActionNotSupported",
             reason: "The WS-Management service cannot process the request because the action is not supported: \(action.prefix(200)) ",
             wsmanCode: 2_150_858_771)
    }

    /// A request that parsed as XML but is not a usable WS-Management message (0x80338043 family).
    static func schemaValidation(_ detail: String) -> Self {
        Self(subcode: "w:SchemaValidationError",
             reason: "The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. \(detail) ",
             wsmanCode: 2_150_858_817)
    }

    /// An injected generic failure (the `http500` fault).
    static func internalError() -> Self {
        Self(code: "s:Receiver", subcode: "w:InternalError",
             reason: "The WS-Management service cannot process the request. The service encountered an internal error. ",
             wsmanCode: 2_150_858_752)
    }

    /// Replaces the plain `f:Message` text (a provider with an empty name renders as text only).
    private func withMessage(_ message: String) -> Self {
        var copy = self
        copy.provider = ("", "", message)
        return copy
    }

    /// The fault envelope, relating to the request's MessageID.
    func render(relatesTo: String?, messageID: String, machine: String) -> String {
        var body = "<s:Fault><s:Code><s:Value>\(code)</s:Value><s:Subcode><s:Value>\(subcode)</s:Value></s:Subcode></s:Code>"
        body += "<s:Reason><s:Text xml:lang=\"en-US\">\(ResponseRenderer.escape(reason))</s:Text></s:Reason><s:Detail>"
        if let faultDetail { body += "<w:FaultDetail>\(faultDetail)</w:FaultDetail>" }
        body += "<f:WSManFault xmlns:f=\"\(WSManNamespace.wsmanFault)\" Code=\"\(wsmanCode)\" Machine=\"\(machine)\"><f:Message>"
        if let provider, !provider.name.isEmpty {
            body += "<f:ProviderFault provider=\"\(provider.name)\" path=\"\(ResponseRenderer.escape(provider.path))\">"
            body += "<f:WSManFault xmlns:f=\"\(WSManNamespace.wsmanFault)\" Code=\"\(wsmanCode)\" Machine=\"\(machine)\">"
            body += "<f:Message>\(ResponseRenderer.escape(provider.message))</f:Message></f:WSManFault></f:ProviderFault>"
        } else {
            body += ResponseRenderer.escape(provider?.message ?? reason)
        }
        body += "</f:Message></f:WSManFault></s:Detail></s:Fault>"
        return ResponseRenderer.envelope(action: action, relatesTo: relatesTo, messageID: messageID,
                                         namespaces: ResponseRenderer.faultNamespaces, body: body)
    }
}
