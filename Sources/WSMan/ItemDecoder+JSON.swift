import CIMModel

extension ItemDecoder {
    /// Writes a plain item as `CimInstanceJSON` straight from the arena's text: the same bytes
    /// `CimInstanceJSON.set` would write from the decoded instance, without building the instance.
    ///
    /// Plain means a class element or `w:XmlFragment` whose properties are scalars, arrays of
    /// scalars, nil, or datetime/interval wrappers, every value matching the schema and every
    /// property declared by it. Anything else (an EPR, `cim:Location`, an embedded instance, a
    /// value that does not parse, scattered repeats) returns nil, and the item is decoded in full,
    /// which reports its schema issues.
    mutating func encodeJSON(_ arena: XMLArena, _ root: Int32) -> CimInstanceJSON? {
        let node = arena.nodes[Int(root)]
        let className: String, namespace: String
        if node.namespace == NameTable.Known.wsman, node.localName == NameTable.Known.xmlFragment {
            className = context.defaultClassName ?? ""
            namespace = context.defaultNamespace ?? ""
        } else if node.namespace == NameTable.Known.wsman || node.namespace == NameTable.Known.addressing {
            return nil   // w:Item (instance and EPR) or an EPR alone
        } else {
            className = names[node.localName]
            namespace = cimNamespace(node.namespace)
        }
        let schema = cache.view(className: className, namespace: namespace, context: context)
        let isOwnSchema = schema.map { cache.views[$0].isOwn } ?? false

        var json = jsonScratch
        jsonScratch = CimInstanceJSON()   // so that `json` owns the buffers while it writes
        defer { jsonScratch = json }
        json.reset(className: className, namespace: namespace, keyNames: schema.map { cache.views[$0].schema.keys } ?? [])
        jsonNames.nextItem()
        let written = arena.nodes.withUnsafeBufferPointer { nodes in
            arena.text.withUnsafeBufferPointer { text in
                writeMembers(of: node, nodes, text, schema: schema, isOwnSchema: isOwnSchema, into: &json)
            }
        }
        guard written else { return nil }
        json.finish()
        return json
    }

    /// The item's properties as members of `json`; false when one of them is not plain.
    private mutating func writeMembers(of node: XMLArena.Node, _ nodes: UnsafeBufferPointer<XMLArena.Node>,
                                       _ text: UnsafeBufferPointer<UInt8>, schema: Int?, isOwnSchema: Bool,
                                       into json: inout CimInstanceJSON) -> Bool {
        var child = node.firstChild
        while child >= 0 {
            let name = nodes[Int(child)].localName
            if nodes[Int(child)].namespace == NameTable.Known.cimCommon, name == NameTable.Known.location { return false }
            // A run of same-named siblings is one property (an array); the same name again later
            // (scattered repeats) needs the full decoding.
            var count: Int32 = 1, last = child
            while nodes[Int(last)].nextSibling >= 0, nodes[Int(nodes[Int(last)].nextSibling)].localName == name {
                last = nodes[Int(last)].nextSibling
                count += 1
            }
            let declared = schema.flatMap { cache.type(view: $0, name: name, names: names) }
            if isOwnSchema, declared == nil { return false }
            guard jsonNames.insert(name) else { return false }
            let key = memberKey(name)
            memberKeys.withUnsafeBytes { keys in
                json.beginMember(encodedKey: UnsafeRawBufferPointer(rebasing: keys[key.start..<key.end]), keyHash: key.hash)
            }
            guard Self.writeProperty(nodes, text, first: child, count: count, declared, to: &json.writer) else { return false }
            json.endMember()
            child = nodes[Int(last)].nextSibling
        }
        return true
    }

    /// The property name `id` as a JSON member key (`"Name":`) in `memberKeys`, written once per parse.
    private mutating func memberKey(_ id: Int32) -> MemberKey {
        let index = Int(id)
        if index < memberKeyIndex.count, memberKeyIndex[index].end > 0 { return memberKeyIndex[index] }
        if index >= memberKeyIndex.count {
            memberKeyIndex.append(contentsOf: repeatElement(MemberKey(start: 0, end: 0, hash: 0), count: index + 1 - memberKeyIndex.count))
        }
        var writer = CimJSONWriter(style: .canonical, reservingCapacity: 32)
        writer.write(key: names[id])
        let start = memberKeys.count
        memberKeys.append(contentsOf: writer.bytes)
        let hash = writer.bytes.withUnsafeBytes { CimInstanceJSON.keyHash($0) }
        memberKeyIndex[index] = MemberKey(start: start, end: memberKeys.count, hash: hash)
        return memberKeyIndex[index]
    }

    /// One property's value, as `decodeProperty` would decode it and `CimJSONWriter` write it.
    private static func writeProperty(_ nodes: UnsafeBufferPointer<XMLArena.Node>, _ text: UnsafeBufferPointer<UInt8>,
                                      first: Int32, count: Int32, _ type: CimType?, to writer: inout CimJSONWriter) -> Bool {
        if count == 1, type?.isArray != true { return writeScalar(nodes, text, first, type?.scalar, to: &writer) }
        if count == 1, nodes[Int(first)].isNil {
            writer.append(literal: "null")
            return true
        }
        writer.append(byte: UInt8(ascii: "["))
        var node = first, written = 0
        for _ in 0..<count {
            if !nodes[Int(node)].isNil {
                if written > 0 { writer.append(byte: UInt8(ascii: ",")) }
                guard writeScalar(nodes, text, node, type?.scalar, to: &writer) else { return false }
                written += 1
            }
            node = nodes[Int(node)].nextSibling
        }
        writer.append(byte: UInt8(ascii: "]"))
        return true
    }

    private static func writeScalar(_ nodes: UnsafeBufferPointer<XMLArena.Node>, _ text: UnsafeBufferPointer<UInt8>,
                                    _ index: Int32, _ scalar: CimType.Scalar?, to writer: inout CimJSONWriter) -> Bool {
        let node = nodes[Int(index)]
        if node.isNil {
            writer.append(literal: "null")
            return true
        }
        if node.hasChildren { return writeWrapped(nodes, text, index, to: &writer) }
        let own = UnsafeBufferPointer(rebasing: text[Int(node.textStart)..<Int(node.textEnd)])
        guard let scalar, scalar != .string else {
            writer.write(utf8String: own)
            return true
        }
        if let range = ValueText.integerRange(scalar), let canonical = ValueText.canonicalInteger(own, range) {
            writer.append(rawJSON: UnsafeRawBufferPointer(canonical))
            return true
        }
        guard let value = ValueText.parse(own, as: scalar) else { return false }
        writer.write(value)
        return true
    }

    /// A datetime or interval wrapper, as `decodeStructured` reads it; false for anything else.
    private static func writeWrapped(_ nodes: UnsafeBufferPointer<XMLArena.Node>, _ text: UnsafeBufferPointer<UInt8>,
                                     _ index: Int32, to writer: inout CimJSONWriter) -> Bool {
        guard let value = temporalWrapper(nodes, text, index)?.value else { return false }
        writer.write(value)
        return true
    }
}

/// Where a property's JSON member key lies in `ItemDecoder.memberKeys`, and its `keyHash`.
struct MemberKey {
    var start: Int
    var end: Int
    var hash: UInt64
}

/// The name ids seen in the current item: a stamp per id, so starting the next item costs nothing.
struct SeenNames {
    private var stamps: [UInt32] = []
    private var current: UInt32 = 0

    mutating func nextItem() {
        if current == .max {
            stamps = Array(repeating: 0, count: stamps.count)
            current = 0
        }
        current += 1
    }

    /// False when the name was seen already in this item.
    mutating func insert(_ name: Int32) -> Bool {
        let index = Int(name)
        if index >= stamps.count { stamps.append(contentsOf: repeatElement(0, count: index + 1 - stamps.count)) }
        guard stamps[index] != current else { return false }
        stamps[index] = current
        return true
    }
}
