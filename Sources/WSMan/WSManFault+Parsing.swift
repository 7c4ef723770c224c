import Foundation

extension WSManFault {
    /// Reads a captured `s:Fault`. Text is trimmed: OMI and pretty-printed fixtures pad it.
    init(arena: XMLArena, root: Int32, names: NameTable, action: String?, host: String?) {
        typealias K = NameTable.Known
        func qname(_ value: Int32?) -> QualifiedName? {
            guard let value else { return nil }
            let resolved = arena.resolvedQNames[value] ?? ("", arena.trimmedText(value))
            return QualifiedName(namespace: resolved.namespace, localName: resolved.localName)
        }
        func named(_ parent: Int32, _ local: String) -> Int32? {
            arena.children(parent).first { names[arena.nodes[Int($0)].localName] == local }
        }
        func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
        func attribute(_ node: Int32, _ name: String) -> String? {
            names.existing(name).flatMap { arena.attribute(node, $0) }
        }

        let codeNode = named(root, "Code")
        soapCode = qname(codeNode.flatMap { arena.child($0, K.soap, K.value) })
            ?? QualifiedName(namespace: WSManNamespace.soap, localName: "Receiver")
        subcode = qname(codeNode.flatMap { named($0, "Subcode") }.flatMap { arena.child($0, K.soap, K.value) })
        reason = named(root, "Reason").flatMap { named($0, "Text") }.map { arena.trimmedText($0) } ?? ""
        self.action = action
        self.host = host

        guard let detail = named(root, "Detail") else { return }
        for child in arena.children(detail) {
            let node = arena.nodes[Int(child)]
            let local = names[node.localName]
            if node.namespace == K.wsmanFault, local == "WSManFault" {
                code = attribute(child, "Code").flatMap(Self.parseCode)
                machine = attribute(child, "Machine")
                if let messageNode = named(child, "Message") {
                    message = nonEmpty(arena.trimmedText(messageNode))
                    if let provider = named(messageNode, "ProviderFault") {
                        var fault = ProviderFault(provider: attribute(provider, "provider"),
                                                  path: attribute(provider, "path"),
                                                  message: nonEmpty(arena.trimmedText(provider)))
                        if let inner = named(provider, "WSManFault") {
                            fault.code = attribute(inner, "Code").flatMap(Self.parseCode)
                            fault.machine = attribute(inner, "Machine")
                            fault.message = named(inner, "Message").flatMap { nonEmpty(arena.trimmedText($0)) } ?? fault.message
                        }
                        providerFault = fault
                    }
                }
            } else if node.namespace == K.wsman, local == "FaultDetail" {
                faultDetail = nonEmpty(arena.trimmedText(child))
            } else if node.hasChildren {
                cimError = Self.cimError(arena, child, className: local, names: names)
            }
        }
        if code == nil, let errorCode = cimError?.errorCode { code = Code(rawValue: errorCode) }
        if message == nil { message = cimError?.message }
    }

    private static func cimError(_ arena: XMLArena, _ element: Int32, className: String, names: NameTable) -> CimError {
        var error = CimError(className: className)
        for property in arena.children(element) {
            let name = names[arena.nodes[Int(property)].localName]
            let value: String? = arena.nodes[Int(property)].isNil ? nil : arena.trimmedText(property)
            error.properties[name] = .some(value)
            switch name {
            case "CIMStatusCode": error.cimStatusCode = value.flatMap { UInt32($0) }
            case "error_Code": error.errorCode = value.flatMap { UInt32($0) }
            case "Message": error.message = value
            case "MessageID": error.messageID = value
            default: break
            }
        }
        return error
    }

    /// `Code` is decimal (`2150858778`); accept `0x…` too.
    static func parseCode(_ text: String) -> Code? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("0x") { return UInt32(trimmed.dropFirst(2), radix: 16).map(Code.init) }
        return UInt32(trimmed).map(Code.init) ?? Int32(trimmed).map { Code(rawValue: UInt32(bitPattern: $0)) }
    }
}

extension IdentifyResponse {
    /// Reads a captured IdentifyResponse (children in the wsmid namespace on Windows and OMI).
    init(arena: XMLArena, root: Int32, names: NameTable) {
        var version = "", vendor = "", product = "", profiles: [String] = []
        for child in arena.children(root) {
            let node = arena.nodes[Int(child)]
            guard node.namespace == NameTable.Known.identity else { continue }
            switch names[node.localName] {
            case "ProtocolVersion": version = arena.trimmedText(child)
            case "ProductVendor": vendor = arena.trimmedText(child)
            case "ProductVersion": product = arena.trimmedText(child)
            case "SecurityProfiles": profiles = arena.children(child).map { arena.trimmedText($0) }
            default: break
            }
        }
        self.init(protocolVersion: version, productVendor: vendor, productVersion: product, securityProfiles: profiles)
    }
}
