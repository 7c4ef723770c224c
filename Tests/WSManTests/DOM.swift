import CLibXML2

/// A tiny read-only DOM built with libxml2's tree parser, for checking the shape of requests
/// against captured ones (element QNames, namespaces and attributes; text where it matters).
struct DOMElement: CustomStringConvertible {
    var namespace: String
    var localName: String
    var attributes: [String: String]
    var children: [DOMElement]
    var text: String

    /// `{namespace}local`.
    var qualifiedName: String { "{\(namespace)}\(localName)" }
    var description: String { qualifiedName }

    func child(_ localName: String) -> DOMElement? { children.first { $0.localName == localName } }

    /// The element's shape: QNames of the whole subtree, without text.
    var shape: String {
        qualifiedName + (children.isEmpty ? "" : "(" + children.map(\.shape).joined(separator: ",") + ")")
    }

    static func parse(_ bytes: [UInt8]) -> DOMElement? {
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), nil, nil, Int32(XML_PARSE_NONET.rawValue))
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        return xmlDocGetRootElement(document).map(element)
    }

    private static func element(_ node: xmlNodePtr) -> DOMElement {
        var attributes: [String: String] = [:]
        var property = node.pointee.properties
        while let p = property {
            let ns = p.pointee.ns.map { String(cString: $0.pointee.href) } ?? ""
            var value = ""
            var part = p.pointee.children
            while let text = part {
                if let content = text.pointee.content { value += String(cString: content) }
                part = text.pointee.next
            }
            attributes["{\(ns)}" + String(cString: p.pointee.name)] = value
            property = p.pointee.next
        }
        var children: [DOMElement] = []
        var text = ""
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE {
                children.append(element(c))
            } else if c.pointee.type == XML_TEXT_NODE, let content = c.pointee.content {
                text += String(cString: content)
            }
            child = c.pointee.next
        }
        let ns = node.pointee.ns.map { String(cString: $0.pointee.href) } ?? ""
        return DOMElement(namespace: ns, localName: String(cString: node.pointee.name), attributes: attributes,
                          children: children, text: text)
    }
}
