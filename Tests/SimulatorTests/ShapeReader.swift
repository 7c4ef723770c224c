import CLibXML2
import Foundation

/// Reads the structural shape of a WS-Management response: prefixes and namespace declarations,
/// header order, body layout, item forms and value encodings, fault structure. The fidelity tests run
/// this one reader over REAL Windows captures and over the simulator's output and compare.
enum ShapeReader {
    enum Encoding: Hashable, CustomStringConvertible {
        case text, null, datetime(String), interval(String), nested
        var description: String {
            switch self {
            case .text: "text"
            case .null: "xsi:nil"
            case .datetime(let name): "datetime(\(name))"
            case .interval(let name): "interval(\(name))"
            case .nested: "nested"
            }
        }
    }

    struct Property {
        var name: String
        var qualifiedName: String
        var encoding: Encoding
        var value: String
    }

    struct Item {
        var qualifiedName: String
        var localName: String
        var namespace: String?
        var xsiType: String?
        var declarations: [String: String]
        var properties: [Property]
        var wrapper: String?
        var hasEPR: Bool
    }

    struct Fault: Equatable {
        var code: String
        var subcode: String
        var reasonLanguage: String?
        var detailChildren: [String]
        var wsmanFaultAttributes: [String]
        var wsmanCode: String?
        var machine: String?
    }

    struct Envelope {
        var declarations: [String: String]
        var language: String?
        var headers: [String]
        var action: String?
        var relatesTo: String?
        var operation: String?
        var bodyLayout: [String]
        var enumerationContext: String?
        var endOfSequence: Bool
        var items: [Item]
        var fault: Fault?
    }

    struct ReadError: Error, CustomStringConvertible { let description: String }

    static func read(_ data: Data) throws -> Envelope {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let doc = data.withUnsafeBytes { raw in
            xmlReadMemory(raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count), "shape.xml", "UTF-8", options)
        }
        guard let doc, let root = xmlDocGetRootElement(doc) else { throw ReadError(description: "not well-formed XML") }
        defer { xmlFreeDoc(doc) }
        let envelope = Node(root)
        guard envelope.local == "Envelope" else { throw ReadError(description: "root is \(envelope.qualified), not an Envelope") }
        let header = envelope.children.first { $0.local == "Header" }
        let body = envelope.children.first { $0.local == "Body" }
        let operation = body?.children.first
        var result = Envelope(declarations: envelope.declarations, language: envelope.attribute("lang"),
                              headers: header?.children.map(\.qualified) ?? [],
                              action: header?.children.first { $0.local == "Action" }?.text,
                              relatesTo: header?.children.first { $0.local == "RelatesTo" }?.text,
                              operation: operation?.qualified, bodyLayout: operation?.children.map(\.qualified) ?? [],
                              enumerationContext: operation?.children.first { $0.local == "EnumerationContext" }?.text,
                              endOfSequence: operation?.children.contains { $0.local == "EndOfSequence" } ?? false,
                              items: [], fault: nil)
        if let items = operation?.children.first(where: { $0.local == "Items" }) {
            result.items = items.children.map(item)
        } else if let operation, operation.local != "Fault", operation.local != "EnumerateResponse", operation.local != "PullResponse",
                  operation.namespace?.hasPrefix("http://schemas.microsoft.com/wbem/wsman/1/wmi/") == true {
            result.items = [item(operation)]
        }
        if let fault = operation, fault.local == "Fault" { result.fault = faultShape(fault) }
        return result
    }

    private static func item(_ node: Node) -> Item {
        var object = node, wrapper: String?
        var hasEPR = node.local == "EndpointReference"
        if node.local == "Item", let first = node.children.first {
            wrapper = node.qualified
            object = first
            hasEPR = node.children.contains { $0.local == "EndpointReference" }
        }
        let properties = hasEPR && wrapper == nil ? [] : object.children.map { child -> Property in
            let encoding: Encoding
            if child.attribute("nil") == "true" { encoding = .null }
            else if let inner = child.children.first, inner.local == "Datetime" { encoding = .datetime(inner.qualified) }
            else if let inner = child.children.first, inner.local == "Interval" { encoding = .interval(inner.qualified) }
            else if !child.children.isEmpty { encoding = .nested }
            else { encoding = .text }
            return Property(name: child.local, qualifiedName: child.qualified, encoding: encoding,
                            value: child.children.first?.text ?? child.text)
        }
        return Item(qualifiedName: object.qualified, localName: object.local, namespace: object.namespace,
                    xsiType: object.attribute("type"), declarations: object.declarations, properties: properties,
                    wrapper: wrapper, hasEPR: hasEPR)
    }

    private static func faultShape(_ fault: Node) -> Fault {
        let code = fault.children.first { $0.local == "Code" }
        let detail = fault.children.first { $0.local == "Detail" }
        let wsmanFault = detail?.children.first { $0.local == "WSManFault" }
        return Fault(code: code?.children.first { $0.local == "Value" }?.text ?? "",
                     subcode: code?.children.first { $0.local == "Subcode" }?.children.first?.text ?? "",
                     reasonLanguage: fault.children.first { $0.local == "Reason" }?.children.first?.attribute("lang"),
                     detailChildren: detail?.children.map(\.qualified) ?? [],
                     wsmanFaultAttributes: wsmanFault?.attributeNames.sorted() ?? [],
                     wsmanCode: wsmanFault?.attribute("Code"), machine: wsmanFault?.attribute("Machine"))
    }

    /// A read-only libxml2 element view.
    struct Node {
        let pointer: xmlNodePtr
        init(_ pointer: xmlNodePtr) { self.pointer = pointer }
        var local: String { String(cString: pointer.pointee.name) }
        var prefix: String? { pointer.pointee.ns?.pointee.prefix.map { String(cString: $0) } }
        var namespace: String? { pointer.pointee.ns?.pointee.href.map { String(cString: $0) } }
        var qualified: String { prefix.map { "\($0):\(local)" } ?? local }
        var children: [Node] {
            var result: [Node] = [], node = pointer.pointee.children
            while let current = node {
                if current.pointee.type == XML_ELEMENT_NODE { result.append(Node(current)) }
                node = current.pointee.next
            }
            return result
        }
        var text: String {
            var result = "", node = pointer.pointee.children
            while let current = node {
                if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content { result += String(cString: content) }
                node = current.pointee.next
            }
            return result.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var declarations: [String: String] {
            var result: [String: String] = [:], ns = pointer.pointee.nsDef
            while let current = ns {
                result[current.pointee.prefix.map { String(cString: $0) } ?? ""] = current.pointee.href.map { String(cString: $0) } ?? ""
                ns = current.pointee.next
            }
            return result
        }
        var attributeNames: [String] {
            var result: [String] = [], attribute = pointer.pointee.properties
            while let current = attribute {
                let name = String(cString: current.pointee.name)
                result.append(current.pointee.ns?.pointee.prefix.map { "\(String(cString: $0)):\(name)" } ?? name)
                attribute = current.pointee.next
            }
            return result
        }
        func attribute(_ local: String) -> String? {
            var attribute = pointer.pointee.properties
            while let current = attribute {
                if String(cString: current.pointee.name) == local {
                    var value = "", child = current.pointee.children
                    while let text = child { if let c = text.pointee.content { value += String(cString: c) }; child = text.pointee.next }
                    return value
                }
                attribute = current.pointee.next
            }
            return nil
        }
    }
}
