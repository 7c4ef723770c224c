import CIMModel

/// Turns a captured item (an `XMLArena` subtree) into a typed `CimInstance` and/or its EPR.
///
/// Item shapes (wsman.md §5; the txwinrm, pypsrp and OMI captures): a class element in the class
/// namespace (`select *`), `w:XmlFragment` with unqualified children (a property list), `w:Item`
/// holding the instance and its `a:EndpointReference` (EnumerateObjectAndEPR), or an EPR alone.
/// Values follow the schema of the class when it is known; otherwise they are strings, with
/// structure (datetime wrappers, EPRs, embedded instances, repeated elements) read as such.
struct ItemDecoder {
    let context: WSManResponseContext
    var cache = SchemaCache()
    /// The parser's names, lent for the duration of one `decodeItem` call.
    var names = NameTable()
    var spareRuns: [(name: Int32, first: Int32, count: Int32)] = []
    /// The last item written as JSON: its buffers are reused once its consumer has let it go.
    var jsonScratch = CimInstanceJSON()
    var jsonNames = SeenNames()
    /// `"Name":` as JSON bytes, back to back, written the first time a name is a property;
    /// `memberKeyIndex` says where each name id's key is.
    var memberKeys: [UInt8] = []
    var memberKeyIndex: [MemberKey] = []

    init(context: WSManResponseContext) {
        self.context = context
    }

    /// The item in the form the context asks for: `json` when it is plain enough to write straight
    /// from the text (see `encodeJSON`), else a decoded `CimInstance`.
    mutating func decodeItem(_ arena: XMLArena, _ root: Int32, names: inout NameTable) -> EnumerationItem {
        swap(&self.names, &names)
        defer { swap(&self.names, &names) }
        if context.itemForm == .json, let json = encodeJSON(arena, root) { return EnumerationItem(json: json) }
        return decodeItem(arena, root)
    }

    private mutating func decodeItem(_ arena: XMLArena, _ root: Int32) -> EnumerationItem {
        let node = arena.nodes[Int(root)]
        var issues: [SchemaIssue] = []
        var instance: CimInstance?
        var reference: CimReference?
        if node.namespace == NameTable.Known.wsman, node.localName == NameTable.Known.item {
            for child in arena.children(root) {
                let c = arena.nodes[Int(child)]
                if c.namespace == NameTable.Known.addressing, c.localName == NameTable.Known.endpointReference {
                    reference = decodeReference(arena, child)
                } else if instance == nil {
                    instance = decodeInstance(arena, child, issues: &issues, itemEPR: &reference)
                }
            }
        } else if node.namespace == NameTable.Known.addressing, node.localName == NameTable.Known.endpointReference {
            reference = decodeReference(arena, root)
        } else {
            instance = decodeInstance(arena, root, issues: &issues, itemEPR: &reference)
        }
        if var found = instance, found.keyNames.isEmpty, let reference {
            found.keyNames = reference.selectors.map(\.name).filter { $0 != SelectorSet.cimNamespaceName }
            instance = found
        }
        return EnumerationItem(instance: instance, endpointReference: reference, schemaIssues: issues)
    }

    // MARK: Instances

    private mutating func decodeInstance(_ arena: XMLArena, _ element: Int32, issues: inout [SchemaIssue],
                                itemEPR: inout CimReference?) -> CimInstance {
        let node = arena.nodes[Int(element)]
        if node.namespace == NameTable.Known.wsman, node.localName == NameTable.Known.xmlFragment {
            return decodeProperties(arena, of: element, className: context.defaultClassName ?? "",
                                    namespace: context.defaultNamespace ?? "", issues: &issues, itemEPR: &itemEPR)
        }
        return decodeProperties(arena, of: element, className: names[node.localName],
                                namespace: cimNamespace(node.namespace), issues: &issues, itemEPR: &itemEPR)
    }

    /// The CIM namespace of a class URI `…/wmi/<ns>/<Class>`; the requested namespace otherwise.
    mutating func cimNamespace(_ uri: Int32) -> String {
        if let known = cache.namespaces[uri] { return known }
        let text = names[uri]
        var ns = context.defaultNamespace ?? ""
        if text.hasPrefix(ResourceURI.wmiPrefix) {
            let path = text.dropFirst(ResourceURI.wmiPrefix.count)
            if let slash = path.lastIndex(of: "/") { ns = String(path[..<slash]) }
        }
        cache.namespaces[uri] = ns
        return ns
    }

    private mutating func decodeProperties(_ arena: XMLArena, of element: Int32, className: String, namespace: String,
                                  issues: inout [SchemaIssue], itemEPR: inout CimReference?) -> CimInstance {
        let schema = cache.view(className: className, namespace: namespace, context: context)
        let isOwnSchema = schema.map { cache.views[$0].isOwn } ?? false
        let keyNames = schema.map { cache.views[$0].schema.keys } ?? []
        // Group repeated elements (arrays) in order of first appearance. Repeats are adjacent on
        // the wire, so a group is a run of siblings: (first node, count), no per-property arrays.
        // The buffer of the previous item, lent out (an embedded instance gets a fresh one).
        var runs = spareRuns
        spareRuns = []
        runs.removeAll(keepingCapacity: true)
        defer { spareRuns = runs }
        var scattered = false
        for child in arena.children(element) {
            let c = arena.nodes[Int(child)]
            if c.namespace == NameTable.Known.cimCommon, c.localName == NameTable.Known.location {
                itemEPR = decodeReference(arena, child)  // [MS-WSMV] 4.1.1: the instance's own EPR
                runs.append((-1, child, 0))  // a barrier: a run never spans it
                continue
            }
            if let last = runs.indices.last, runs[last].name == c.localName {
                runs[last].count += 1
            } else {
                if !scattered, runs.contains(where: { $0.name == c.localName }) { scattered = true }
                runs.append((c.localName, child, 1))
            }
        }
        var properties: [CimProperty] = []
        properties.reserveCapacity(runs.count)
        var done = Set<Int32>()
        for run in runs where run.name >= 0 {
            var nodes = Siblings(first: run.first, count: run.count)
            if scattered {
                // The same name in separate runs: one array, in document order.
                guard done.insert(run.name).inserted else { continue }
                nodes = Siblings(runs.filter { $0.name == run.name }
                    .flatMap { Siblings(first: $0.first, count: $0.count).indices(in: arena) })
            }
            let name = names[run.name]
            let declared = schema.flatMap { cache.type(view: $0, name: run.name, names: names) }
            if isOwnSchema, declared == nil {
                issues.append(.unknownProperty(name: name))
            }
            properties.append(CimProperty(name: name, value: decodeProperty(arena, nodes, declared, className: className,
                                                                            name: name, issues: &issues)))
        }
        return CimInstance(className: className, namespace: namespace, host: context.host, properties: properties,
                           keyNames: keyNames)
    }

    private mutating func decodeProperty(_ arena: XMLArena, _ nodes: Siblings, _ type: CimType?, className: String,
                                name: String, issues: inout [SchemaIssue]) -> CimValue {
        if nodes.count == 1, type?.isArray != true {
            return decodeScalar(arena, nodes.first, type?.scalar, className: className, name: name, issues: &issues)
        }
        if nodes.count == 1, arena.nodes[Int(nodes.first)].isNil { return .null }
        var elements: [CimValue] = []
        elements.reserveCapacity(nodes.count)
        for node in nodes.indices(in: arena) where !arena.nodes[Int(node)].isNil {
            elements.append(decodeScalar(arena, node, type?.scalar, className: className, name: name, issues: &issues))
        }
        return .array(elements)
    }

    private mutating func decodeScalar(_ arena: XMLArena, _ index: Int32, _ scalar: CimType.Scalar?, className: String,
                              name: String, issues: inout [SchemaIssue]) -> CimValue {
        let node = arena.nodes[Int(index)]
        if node.isNil { return .null }
        if node.hasChildren { return decodeStructured(arena, index, className: className, name: name, issues: &issues) }
        guard let scalar else { return .string(arena.text(index)) }
        if scalar == .string { return .string(arena.text(index)) }
        if let value = ValueText.parse(arena, index, as: scalar) { return value }
        let text = arena.text(index)
        issues.append(.typeMismatch(property: name, expected: CimType(scalar), actualText: text))
        return .string(text)
    }

    /// A property element with children: a datetime wrapper, an EPR, or an embedded instance.
    private mutating func decodeStructured(_ arena: XMLArena, _ index: Int32, className: String, name: String,
                                  issues: inout [SchemaIssue]) -> CimValue {
        let first = arena.nodes[Int(index)].firstChild
        let child = arena.nodes[Int(first)]
        if let wrapped = Self.temporalWrapper(arena, index) {
            if let value = wrapped.value { return value }
            issues.append(.typeMismatch(property: name, expected: .datetime, actualText: wrapped.text))
            return .string(wrapped.text)
        }
        if arena.child(index, NameTable.Known.addressing, NameTable.Known.address) != nil {
            return .reference(decodeReference(arena, index))
        }
        var ignored: CimReference?
        if let type = arena.attribute(index, NameTable.Known.type, namespace: NameTable.Known.xsi) {
            // OMI: the property element itself carries xsi:type="px:Class_Type" and the embedded
            // instance's properties as children.
            var embedded = type.split(separator: ":").last.map(String.init) ?? type
            if embedded.hasSuffix("_Type") { embedded.removeLast(5) }
            return .instance(decodeProperties(arena, of: index, className: embedded,
                                              namespace: cimNamespace(child.namespace), issues: &issues,
                                              itemEPR: &ignored))
        }
        if child.nextSibling < 0, child.hasChildren {
            return .instance(decodeInstance(arena, first, issues: &issues, itemEPR: &ignored))
        }
        return .instance(decodeProperties(arena, of: index, className: "", namespace: cimNamespace(child.namespace),
                                          issues: &issues, itemEPR: &ignored))
    }

    /// A datetime or interval wrapper (`<p:CreationDate><cim:Datetime>…`): its trimmed text, and
    /// its value (nil when the text is neither form); nil when the element is no such wrapper.
    static func temporalWrapper(_ arena: XMLArena, _ index: Int32) -> (value: CimValue?, text: String)? {
        arena.nodes.withUnsafeBufferPointer { nodes in
            arena.text.withUnsafeBufferPointer { text in temporalWrapper(nodes, text, index) }
        }
    }

    static func temporalWrapper(_ nodes: UnsafeBufferPointer<XMLArena.Node>, _ text: UnsafeBufferPointer<UInt8>,
                                _ index: Int32) -> (value: CimValue?, text: String)? {
        let first = nodes[Int(index)].firstChild
        let child = nodes[Int(first)]
        guard child.namespace == NameTable.Known.cimCommon || child.namespace == NameTable.Known.empty else { return nil }
        switch child.localName {
        case NameTable.Known.datetime, NameTable.Known.date, NameTable.Known.time, NameTable.Known.cimDateTime,
             NameTable.Known.interval:
            let own = UnsafeBufferPointer(rebasing: text[Int(child.textStart)..<Int(child.textEnd)])
            let text = String(decoding: ValueText.trim(own), as: UTF8.self)
            if child.localName != NameTable.Known.interval, let instant = CimDateTime(parsing: text) {
                return (.datetime(instant), text)
            }
            return (CimInterval(parsing: text).map { .interval($0) }, text)
        default:
            return nil
        }
    }

    /// `a:Address` + `a:ReferenceParameters` (`w:ResourceURI`, `w:SelectorSet`).
    func decodeReference(_ arena: XMLArena, _ index: Int32) -> CimReference {
        var reference = CimReference(resourceURI: "", selectors: [])
        if let address = arena.child(index, NameTable.Known.addressing, NameTable.Known.address) {
            reference.address = arena.trimmedText(address)
        }
        guard let parameters = arena.child(index, NameTable.Known.addressing, NameTable.Known.referenceParameters)
        else { return reference }
        if let uri = arena.child(parameters, NameTable.Known.wsman, NameTable.Known.resourceURI) {
            reference.resourceURI = arena.trimmedText(uri)
        }
        if let set = arena.child(parameters, NameTable.Known.wsman, NameTable.Known.selectorSet) {
            for selector in arena.children(set) where arena.nodes[Int(selector)].localName == NameTable.Known.selector {
                let name = arena.attribute(selector, NameTable.Known.name) ?? ""
                reference.selectors.append(.init(name: name, value: arena.trimmedText(selector)))
            }
        }
        return reference
    }
}

/// The nodes of one property: a run of siblings, or (rarely) scattered repeats.
struct Siblings {
    var first: Int32
    var count: Int
    var scattered: [Int32]? = nil

    init(first: Int32, count: Int32) {
        self.first = first
        self.count = Int(count)
    }

    init(_ nodes: [Int32]) {
        first = nodes[0]
        count = nodes.count
        scattered = nodes
    }

    func indices(in arena: XMLArena) -> [Int32] {
        if let scattered { return scattered }
        var result: [Int32] = []
        result.reserveCapacity(count)
        var node = first
        for _ in 0..<count {
            result.append(node)
            node = arena.nodes[Int(node)].nextSibling
        }
        return result
    }
}

/// Schema lookups, cached per parse: one registry lookup per class, one property lookup per name.
/// Plain values (no classes), so using them costs no runtime exclusivity checks.
struct SchemaCache {
    /// One class schema with its property types indexed by interned name.
    struct View {
        let schema: CimClassSchema
        /// The item's own class; false when typing a derived class by the class asked for.
        let isOwn: Bool
        /// Declared types by interned name id: nil not looked up yet, .some(nil) not declared.
        var types: [CimType??] = []
    }

    var namespaces: [Int32: String] = [:]
    private(set) var views: [View] = []
    private var viewIndex: [String: Int?] = [:]
    private var lastView: (className: String, namespace: String, index: Int?)?

    /// The index of the view for a class, nil when no schema applies.
    mutating func view(className: String, namespace: String, context: WSManResponseContext) -> Int? {
        // Every item of a response is usually the same class: skip forming the key for a repeat.
        if let last = lastView, last.className == className, last.namespace == namespace { return last.index }
        let key = namespace + ":" + className
        if let cached = viewIndex[key] {
            lastView = (className, namespace, cached)
            return cached
        }
        var view: View?
        if let own = Self.lookup(className, namespace, context.schemas) {
            view = View(schema: own, isOwn: true)
        } else if let base = context.defaultClassName, base.lowercased() != className.lowercased(),
                  let schema = Self.lookup(base, namespace, context.schemas) {
            // A derived class (Win32_TerminalService in a Win32_Service query): type what the
            // asked-for class declares; extra properties stay strings without an issue.
            view = View(schema: schema, isOwn: false)
        }
        let index = view.map { views.append($0); return views.count - 1 }
        viewIndex[key] = .some(index)
        lastView = (className, namespace, index)
        return index
    }

    /// The declared type of a property, cached by interned name.
    mutating func type(view: Int, name: Int32, names: NameTable) -> CimType? {
        let index = Int(name)
        if index < views[view].types.count, let cached = views[view].types[index] { return cached }
        let type = views[view].schema.property(named: names[name])?.type
        if index >= views[view].types.count {
            views[view].types.append(contentsOf: repeatElement(nil, count: index + 1 - views[view].types.count))
        }
        views[view].types[index] = .some(type)
        return type
    }

    private static func lookup(_ className: String, _ namespace: String, _ schemas: CimSchemaRegistry) -> CimClassSchema? {
        guard !className.isEmpty else { return nil }
        return namespace.isEmpty ? schemas.schema(className: className)
            : schemas.schema(namespace: namespace, className: className)
    }
}
