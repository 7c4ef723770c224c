import CLibXML2

/// One parsed WS-Management request: the headers and body fields the simulator acts on.
struct SoapRequest: Sendable {
    enum Body: Sendable {
        case identify
        case get
        case enumerate(EnumerateBody)
        case pull(context: String, maxElements: Int)
        case release(context: String)
        case unknown
    }

    struct EnumerateBody: Sendable {
        var optimize = false
        var maxElements = 1
        var mode: EnumerationMode = .objects
        var filter: Filter?
    }

    enum EnumerationMode: Sendable { case objects, objectAndEPR, epr }

    enum Filter: Sendable {
        case wql(String)
        case selectors([(name: String, value: String)])
        case unsupported(dialect: String)
    }

    var action: String?
    var messageID: String?
    var resourceURI: String?
    var maxEnvelopeSize: Int?
    var operationTimeout: String?
    var selectors: [(name: String, value: String)] = []
    var body: Body = .unknown
}

/// Why a request body could not be read; answered with HTTP 400 or a SchemaValidation-like fault.
struct SoapRequestError: Error, Sendable, CustomStringConvertible {
    let description: String
}

extension SoapRequest {
    /// Parses an envelope safely: DTDs and entity declarations are refused before libxml2 sees the
    /// bytes, network access is off, and libxml2's default depth and size limits stay on (no XML_PARSE_HUGE).
    static func parse(_ bytes: [UInt8]) throws(SoapRequestError) -> SoapRequest {
        if containsDoctype(bytes) { throw SoapRequestError(description: "DTDs and entity declarations are not allowed") }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let doc = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlReadMemory($0, Int32(buffer.count), "request.xml", "UTF-8", options)
                }
            } ?? nil
        }
        guard let doc else { throw SoapRequestError(description: "the request is not well-formed XML") }
        defer { xmlFreeDoc(doc) }
        guard doc.pointee.intSubset == nil, let root = xmlDocGetRootElement(doc),
              XMLNode(root).isElement("Envelope", WSManNamespace.soap)
        else { throw SoapRequestError(description: "the request is not a SOAP 1.2 envelope") }
        var request = SoapRequest()
        let envelope = XMLNode(root)
        if let header = envelope.child("Header", WSManNamespace.soap) { request.readHeader(header) }
        guard let body = envelope.child("Body", WSManNamespace.soap) else {
            throw SoapRequestError(description: "the envelope has no s:Body")
        }
        request.readBody(body)
        return request
    }

    private static func containsDoctype(_ bytes: [UInt8]) -> Bool {
        let marker = Array("<!".utf8)
        guard bytes.count >= 2 else { return false }
        for index in 0..<(bytes.count - 1) where bytes[index] == marker[0] && bytes[index + 1] == marker[1] {
            // Comments (<!--) and CDATA (<![CDATA[) are harmless; anything else (DOCTYPE, ENTITY) is refused.
            let rest = bytes[(index + 2)...].prefix(7)
            if rest.starts(with: "--".utf8) || rest.starts(with: "[CDATA[".utf8) { continue }
            return true
        }
        return false
    }

    private mutating func readHeader(_ header: XMLNode) {
        for element in header.children {
            switch (element.namespace, element.name) {
            case (WSManNamespace.addressing, "Action"): action = element.text
            case (WSManNamespace.addressing, "MessageID"): messageID = element.text
            case (WSManNamespace.wsman, "ResourceURI"): resourceURI = element.text
            case (WSManNamespace.wsman, "MaxEnvelopeSize"): maxEnvelopeSize = Int(element.text)
            case (WSManNamespace.wsman, "OperationTimeout"): operationTimeout = element.text
            case (WSManNamespace.wsman, "SelectorSet"): selectors = Self.selectors(in: element)
            default: break
            }
        }
    }

    private static func selectors(in set: XMLNode) -> [(name: String, value: String)] {
        set.children.filter { $0.isElement("Selector", WSManNamespace.wsman) }
            .map { (name: $0.attribute("Name") ?? "", value: $0.text) }
    }

    private mutating func readBody(_ body: XMLNode) {
        if action == WSManAction.get.rawValue {
            self.body = .get
            return
        }
        guard let operation = body.children.first else { return }
        switch (operation.namespace, operation.name) {
        case (WSManNamespace.identity, "Identify"): self.body = .identify
        case (WSManNamespace.enumeration, "Enumerate"): self.body = .enumerate(Self.enumerateBody(operation))
        case (WSManNamespace.enumeration, "Pull"):
            let context = operation.child("EnumerationContext", WSManNamespace.enumeration)?.text ?? ""
            let maxElements = operation.child("MaxElements", WSManNamespace.enumeration).flatMap { Int($0.text) } ?? 1
            self.body = .pull(context: context, maxElements: maxElements)
        case (WSManNamespace.enumeration, "Release"):
            self.body = .release(context: operation.child("EnumerationContext", WSManNamespace.enumeration)?.text ?? "")
        default: self.body = .unknown
        }
    }

    private static func enumerateBody(_ element: XMLNode) -> EnumerateBody {
        var result = EnumerateBody()
        for child in element.children where child.namespace == WSManNamespace.wsman {
            switch child.name {
            case "OptimizeEnumeration": result.optimize = true
            case "MaxElements": result.maxElements = Int(child.text) ?? 1
            case "EnumerationMode":
                switch child.text {
                case "EnumerateObjectAndEPR": result.mode = .objectAndEPR
                case "EnumerateEPR": result.mode = .epr
                default: break
                }
            case "Filter":
                let dialect = child.attribute("Dialect") ?? WSManNamespace.wqlDialect
                switch dialect {
                case WSManNamespace.wqlDialect: result.filter = .wql(child.text)
                case WSManNamespace.selectorDialect:
                    result.filter = .selectors(child.child("SelectorSet", WSManNamespace.wsman).map(selectors(in:)) ?? [])
                default: result.filter = .unsupported(dialect: dialect)
                }
            default: break
            }
        }
        return result
    }
}

/// A read-only view of a libxml2 element, valid while its document lives.
struct XMLNode {
    let pointer: xmlNodePtr
    init(_ pointer: xmlNodePtr) { self.pointer = pointer }

    var name: String { String(cString: pointer.pointee.name) }
    var namespace: String? { pointer.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) } }

    func isElement(_ local: String, _ namespace: String) -> Bool { name == local && self.namespace == namespace }

    var children: [XMLNode] {
        var result: [XMLNode] = []
        var node = pointer.pointee.children
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(XMLNode(current)) }
            node = current.pointee.next
        }
        return result
    }

    func child(_ local: String, _ namespace: String) -> XMLNode? { children.first { $0.isElement(local, namespace) } }

    /// The concatenated text and CDATA children, trimmed (read in place: nothing to free).
    var text: String {
        var result = ""
        var node = pointer.pointee.children
        while let current = node {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
               let content = current.pointee.content {
                result += String(cString: content)
            }
            node = current.pointee.next
        }
        return result.trimmingWhitespace
    }

    /// An attribute without a namespace, read in place.
    func attribute(_ name: String) -> String? {
        guard let attribute = xmlHasProp(pointer, name) else { return nil }
        var result = ""
        var node = attribute.pointee.children
        while let current = node {
            if let content = current.pointee.content { result += String(cString: content) }
            node = current.pointee.next
        }
        return result
    }
}

extension String {
    var trimmingWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
