/// One captured subtree (an item, a fault, a header) as a flat array of nodes: enough structure
/// to decode it, reused from item to item so that steady-state parsing allocates nothing for it.
/// Memory is bounded by one item, never by the response.
struct XMLArena {
    struct Node {
        var namespace: Int32
        var localName: Int32
        var parent: Int32
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var nextSibling: Int32 = -1
        var textStart: Int32
        var textEnd: Int32
        var attributeStart: Int32
        var attributeCount: Int32 = 0
        /// `xsi:nil="true"`.
        var isNil = false

        var hasChildren: Bool { firstChild >= 0 }
    }

    struct Attribute {
        var namespace: Int32
        var localName: Int32
        var value: String
    }

    var nodes: [Node] = []
    var text: [UInt8] = []
    var attributes: [Attribute] = []
    /// QName texts resolved against the namespaces in scope (fault codes), by node.
    var resolvedQNames: [Int32: (namespace: String, localName: String)] = [:]

    mutating func reset() {
        nodes.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        attributes.removeAll(keepingCapacity: true)
        if !resolvedQNames.isEmpty { resolvedQNames.removeAll() }
    }

    /// Appends a node as the last child of `parent` (-1 for the root) and returns its index.
    mutating func append(namespace: Int32, localName: Int32, parent: Int32) -> Int32 {
        let index = Int32(nodes.count)
        let end = Int32(text.count)
        nodes.append(Node(namespace: namespace, localName: localName, parent: parent, textStart: end, textEnd: end,
                          attributeStart: Int32(attributes.count)))
        if parent >= 0 {
            let p = Int(parent)
            if nodes[p].lastChild >= 0 { nodes[Int(nodes[p].lastChild)].nextSibling = index } else { nodes[p].firstChild = index }
            nodes[p].lastChild = index
        }
        return index
    }

    /// Appends character data to a node. Text interrupted by a child element (mixed content,
    /// pretty-printing) is moved to the end of the buffer so each node's text stays contiguous.
    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>, to index: Int32) {
        let i = Int(index)
        if nodes[i].textEnd != Int32(text.count) {
            let start = Int32(text.count)
            if nodes[i].textEnd > nodes[i].textStart {
                let earlier = Array(text[Int(nodes[i].textStart)..<Int(nodes[i].textEnd)])
                text.append(contentsOf: earlier)
            }
            nodes[i].textStart = start
        }
        text.append(contentsOf: bytes)
        nodes[i].textEnd = Int32(text.count)
    }

    func textLength(_ index: Int32) -> Int { Int(nodes[Int(index)].textEnd - nodes[Int(index)].textStart) }

    /// The node's own text, exactly as sent.
    func text(_ index: Int32) -> String {
        let node = nodes[Int(index)]
        return text.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(node.textStart)..<Int(node.textEnd)]), as: UTF8.self)
        }
    }

    /// The node's text without surrounding XML whitespace (pretty-printed fixtures, OMI padding).
    func trimmedText(_ index: Int32) -> String {
        let node = nodes[Int(index)]
        return text.withUnsafeBufferPointer { buffer in
            String(decoding: ValueText.trim(UnsafeBufferPointer(rebasing: buffer[Int(node.textStart)..<Int(node.textEnd)])), as: UTF8.self)
        }
    }

    /// The children of a node, in order.
    func children(_ index: Int32) -> ChildSequence { ChildSequence(arena: self, first: nodes[Int(index)].firstChild) }

    /// The first child with this namespace and local name.
    func child(_ index: Int32, _ namespace: Int32, _ localName: Int32) -> Int32? {
        children(index).first { nodes[Int($0)].namespace == namespace && nodes[Int($0)].localName == localName }
    }

    /// The value of an attribute by local name (and namespace, when given).
    func attribute(_ index: Int32, _ localName: Int32, namespace: Int32? = nil) -> String? {
        let node = nodes[Int(index)]
        for a in Int(node.attributeStart)..<Int(node.attributeStart + node.attributeCount)
        where attributes[a].localName == localName && (namespace == nil || attributes[a].namespace == namespace) {
            return attributes[a].value
        }
        return nil
    }

    struct ChildSequence: Sequence {
        let arena: XMLArena
        let first: Int32
        func makeIterator() -> Iterator { Iterator(arena: arena, upcoming: first) }
        struct Iterator: IteratorProtocol {
            let arena: XMLArena
            var upcoming: Int32
            mutating func next() -> Int32? {
                guard upcoming >= 0 else { return nil }
                defer { upcoming = arena.nodes[Int(upcoming)].nextSibling }
                return upcoming
            }
        }
    }
}
