import CIMModel

/// Renders instances and envelopes the way Windows WinRM writes them (compared against the REAL
/// txwinrm ws2012 captures and pypsrp recordings in ../shared/reference/corpus): the `s a n w`
/// envelope prefixes, `p` bound per item to the class URI, properties in case-insensitive name order,
/// `xsi:nil` for nulls, repeated elements for arrays, `cim:Datetime` wrappers, and `w:XmlFragment`
/// with unqualified children for property-list queries.
enum ResponseRenderer {
    /// How an item is written.
    enum ItemForm: Sendable, Hashable {
        /// `SELECT *` or a class enumeration: `<p:Class xsi:type="p:Class_Type">`.
        case typed
        /// A property-list query: `<w:XmlFragment>` with the named properties only.
        case fragment([String])
    }

    static func resourceURI(namespace: String, className: String) -> String {
        WSManNamespace.wmiPrefix + namespace + "/" + className
    }

    /// The property names of an instance's class in Windows' output order.
    static func orderedProperties(of instance: CimInstance, schemas: CimSchemaRegistry) -> [String] {
        var names = schemas.schema(className: instance.className)?.properties.map(\.name)
            ?? schemas.schema(className: "Win32_Service").map { $0.properties.map(\.name) + ["DisconnectedSessions", "TotalSessions"] }
            ?? instance.properties.map(\.name)
        if instance.className == "Win32_TerminalService", !names.contains("TotalSessions") {
            names += ["DisconnectedSessions", "TotalSessions"]
        }
        return names.sorted { $0.lowercased() < $1.lowercased() }
    }

    static func item(_ instance: CimInstance, form: ItemForm, schemas: CimSchemaRegistry) -> String {
        var out = ""
        switch form {
        case .typed:
            let uri = resourceURI(namespace: instance.namespace, className: instance.className)
            out += "<p:\(instance.className) xmlns:xsi=\"\(WSManNamespace.xsi)\" xmlns:p=\"\(uri)\" xmlns:cim=\"\(WSManNamespace.cim)\" xsi:type=\"p:\(instance.className)_Type\">"
            for name in orderedProperties(of: instance, schemas: schemas) {
                property(name, instance[name] ?? .null, prefix: "p:", datetimeTag: "cim:", into: &out)
            }
            out += "</p:\(instance.className)>"
        case .fragment(let names):
            out += "<w:XmlFragment xmlns:xsi=\"\(WSManNamespace.xsi)\" xmlns:w=\"\(WSManNamespace.wsman)\">"
            let wanted = Set(names.map { $0.lowercased() })
            for name in orderedProperties(of: instance, schemas: schemas) where wanted.contains(name.lowercased()) {
                property(name, instance[name] ?? .null, prefix: "", datetimeTag: "", into: &out)
            }
            out += "</w:XmlFragment>"
        }
        return out
    }

    private static func property(_ name: String, _ value: CimValue, prefix: String, datetimeTag: String, into out: inout String) {
        switch value {
        case .null, .array([]):
            out += "<\(prefix)\(name) xsi:nil=\"true\"/>"
        case .array(let elements):
            for element in elements { property(name, element, prefix: prefix, datetimeTag: datetimeTag, into: &out) }
        case .datetime(let instant):
            out += "<\(prefix)\(name)><\(datetimeTag)Datetime>\(instant.iso8601)</\(datetimeTag)Datetime></\(prefix)\(name)>"
        case .interval(let interval):
            out += "<\(prefix)\(name)><\(datetimeTag)Interval>\(interval.xsDuration)</\(datetimeTag)Interval></\(prefix)\(name)>"
        case .instance(let embedded):
            out += "<\(prefix)\(name)>\(item(embedded, form: .typed, schemas: .builtin))</\(prefix)\(name)>"
        case .reference(let reference):
            out += "<\(prefix)\(name)>\(endpointReference(uri: reference.resourceURI, selectors: reference.selectors.map { ($0.name, $0.value) }))</\(prefix)\(name)>"
        default:
            out += "<\(prefix)\(name)>\(escape(value.lexicalForm ?? ""))</\(prefix)\(name)>"
        }
    }

    /// The EPR Windows writes for an instance in EnumerateEPR / EnumerateObjectAndEPR mode.
    static func endpointReference(uri: String, selectors: [(String, String)]) -> String {
        var out = "<a:EndpointReference><a:Address>\(WSManNamespace.anonymous)</a:Address><a:ReferenceParameters>"
        out += "<w:ResourceURI>\(escape(uri))</w:ResourceURI><w:SelectorSet>"
        for (name, value) in selectors { out += "<w:Selector Name=\"\(escape(name))\">\(escape(value))</w:Selector>" }
        return out + "</w:SelectorSet></a:ReferenceParameters></a:EndpointReference>"
    }

    static func endpointReference(for instance: CimInstance) -> String {
        endpointReference(uri: resourceURI(namespace: instance.namespace, className: instance.className),
                          selectors: instance.keyNames.map { ($0, instance[$0]?.lexicalForm ?? "") })
    }

    /// A complete envelope with Windows' header order: Action, MessageID, To, RelatesTo.
    static func envelope(action: String, relatesTo: String?, messageID: String, namespaces: String, body: String) -> String {
        let (head, tail) = envelopeParts(action: action, relatesTo: relatesTo, messageID: messageID, namespaces: namespaces)
        return head + body + tail
    }

    /// The envelope up to and including `<s:Body>`, and from `</s:Body>` on, for bodies assembled as bytes.
    static func envelopeParts(action: String, relatesTo: String?, messageID: String, namespaces: String) -> (String, String) {
        var head = "<s:Envelope xml:lang=\"en-US\" \(namespaces)><s:Header><a:Action>\(action)</a:Action>"
        head += "<a:MessageID>\(messageID)</a:MessageID><a:To>\(WSManNamespace.anonymous)</a:To>"
        if let relatesTo { head += "<a:RelatesTo>\(escape(relatesTo))</a:RelatesTo>" }
        return (head + "</s:Header><s:Body>", "</s:Body></s:Envelope>")
    }

    static let enumerationNamespaces = "xmlns:s=\"\(WSManNamespace.soap)\" xmlns:a=\"\(WSManNamespace.addressing)\" xmlns:n=\"\(WSManNamespace.enumeration)\" xmlns:w=\"\(WSManNamespace.wsman)\""
    static let transferNamespaces = "xmlns:s=\"\(WSManNamespace.soap)\" xmlns:a=\"\(WSManNamespace.addressing)\" xmlns:x=\"\(WSManNamespace.transfer)\" xmlns:w=\"\(WSManNamespace.wsman)\" xmlns:p=\"\(WSManNamespace.microsoftWSMan)\""
    static let faultNamespaces = "xmlns:s=\"\(WSManNamespace.soap)\" xmlns:a=\"\(WSManNamespace.addressing)\" xmlns:x=\"\(WSManNamespace.transfer)\" xmlns:e=\"\(WSManNamespace.eventing)\" xmlns:n=\"\(WSManNamespace.enumeration)\" xmlns:w=\"\(WSManNamespace.wsman)\" xmlns:p=\"\(WSManNamespace.microsoftWSMan)\""

    /// The IdentifyResponse; unauthenticated callers see `OS: 0.0.0 SP: 0.0 Stack: 3.0` as on Windows
    /// ([MS-WSMV] 3.1.4.1.23; wsman.md §4.3).
    static func identifyResponse(os: OSBuild?, securityProfiles: Bool) -> String {
        var body = "<wsmid:IdentifyResponse xmlns:wsmid=\"\(WSManNamespace.identity)\">"
        body += "<wsmid:ProtocolVersion>\(WSManNamespace.wsman)</wsmid:ProtocolVersion>"
        body += "<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>"
        body += "<wsmid:ProductVersion>OS: \(os?.version ?? "0.0.0") SP: 0.0 Stack: 3.0</wsmid:ProductVersion>"
        if securityProfiles {
            body += "<wsmid:SecurityProfiles><wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic</wsmid:SecurityProfileName>"
            body += "<wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/spnego-kerberos</wsmid:SecurityProfileName></wsmid:SecurityProfiles>"
        }
        body += "</wsmid:IdentifyResponse>"
        return "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"\(WSManNamespace.soap)\"><s:Header/><s:Body>\(body)</s:Body></s:Envelope>"
    }

    static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
