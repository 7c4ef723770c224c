import CIMModel
import NIOCore

/// Get, Enumerate and Pull ([DSP0226] 7.3 and 8.2–8.4, [MS-WSMV] 3.1.4.1.16 for OptimizeEnumeration).
extension HostService {
    /// A resource URI split into CIM namespace and class (`*` for WQL over the namespace).
    struct Resource {
        var namespace: String
        var className: String
    }

    func resolve(_ uri: String?) -> Resource? {
        guard let uri, uri.lowercased().hasPrefix(WSManNamespace.wmiPrefix.lowercased()) else { return nil }
        let path = uri.dropFirst(WSManNamespace.wmiPrefix.count)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return Resource(namespace: String(path[..<slash]), className: String(path[path.index(after: slash)...]))
    }

    /// The instances of a class in a namespace, or the fault Windows gives when it does not exist there.
    func lookup(_ className: String, namespace: String, state: HostState, viaWQL: Bool) -> Result<[CimInstance], SimulatedFault> {
        if settings.deniedNamespaces.contains(namespace.lowercased()) { return .failure(.accessDenied()) }
        guard let list = state.instances(of: className), let schema = state.schema(of: className),
              schema.namespace.lowercased() == namespace.lowercased()
        else {
            return .failure(viaWQL ? .cannotProcessFilter("The specified class does not exist in the given namespace. ") : .resourceNotFound())
        }
        return .success(list)
    }

    func get(_ request: SoapRequest, runtime: inout Runtime) -> Result<ByteBuffer, SimulatedFault> {
        guard let resource = resolve(request.resourceURI), resource.className != "*" else { return .failure(.resourceNotFound()) }
        let list: [CimInstance]
        switch lookup(resource.className, namespace: resource.namespace, state: runtime.state, viaWQL: false) {
        case .success(let found): list = found
        case .failure(let fault): return .failure(fault)
        }
        let selectors = request.selectors.filter { $0.name != "__cimnamespace" }
        let keys = runtime.state.schema(of: resource.className)?.keys ?? []
        let given = Set(selectors.map { $0.name.lowercased() })
        if !given.isSubset(of: Set(keys.map { $0.lowercased() })) { return .failure(.invalidSelectors(missing: false)) }
        if given.count < keys.count && !(keys.isEmpty && given.isEmpty) { return .failure(.invalidSelectors(missing: true)) }
        guard let match = list.first(where: { instance in
            selectors.allSatisfy { instance[$0.name]?.lexicalForm?.lowercased() == $0.value.lowercased() }
        }) else { return .failure(.invalidSelectors(missing: false)) }
        let body = ResponseRenderer.item(match, form: .typed, schemas: runtime.state.schemas)
        return .success(ByteBuffer(string: ResponseRenderer.envelope(action: WSManAction.get.responseAction, relatesTo: request.messageID,
                                                                     messageID: newID(&runtime), namespaces: ResponseRenderer.transferNamespaces,
                                                                     body: body)))
    }

    func enumerate(_ request: SoapRequest, _ body: SoapRequest.EnumerateBody, user: String, limit: Int,
                   runtime: inout Runtime) -> Result<ByteBuffer, SimulatedFault> {
        guard let resource = resolve(request.resourceURI) else { return .failure(.resourceNotFound()) }
        var className = resource.className
        var query: WQLQuery?
        var selectorFilter: [(name: String, value: String)] = []
        switch body.filter {
        case .wql(let text)?:
            do { query = try WQLQuery(parsing: text) } catch { return .failure(.cannotProcessFilter("The query is not valid: \(error.description). ")) }
            className = query!.className
        case .selectors(let selectors)?: selectorFilter = selectors
        case .unsupported(let dialect)?: return .failure(.cannotProcessFilter("The filter dialect \(dialect.prefix(200)) is not supported. "))
        case nil: break
        }
        if className == "*" { return .failure(.cannotProcessFilter("A WQL filter is required with the * resource URI. ")) }
        var list: [CimInstance]
        switch lookup(className, namespace: resource.namespace, state: runtime.state, viaWQL: query != nil) {
        case .success(let found): list = found
        case .failure(let fault): return .failure(fault)
        }
        if let query {
            let schema = runtime.state.schema(of: className)
            let known = Set((schema?.properties.map { $0.name.lowercased() } ?? []) + ["disconnectedsessions", "totalsessions"])
            let named = (query.properties ?? []) + query.referencedProperties
            if let unknown = named.first(where: { !known.contains($0.lowercased()) }) {
                return .failure(.cannotProcessFilter("The query names a property the class does not have: \(unknown.prefix(100)). "))
            }
        }
        // Contexts idle past the timeout are dropped here, as Windows' enumeration garbage-collection
        // timer would, so abandoned enumerations neither hold memory nor count against the quota.
        let now = settings.clock.now()
        for (id, context) in runtime.contexts where now - context.lastUsed > settings.idleTimeout { runtime.contexts[id] = nil }
        // Quota: open enumerations plus requests in flight, per user, as Windows counts operations.
        let open = runtime.contexts.values.filter { $0.user == user }.count + (runtime.inFlight[user] ?? 0)
        runtime.enumerateCount += 1
        if open > settings.maxOperationsPerUser || (settings.fault == .quota && runtime.enumerateCount % 2 == 1) {
            return .failure(.concurrentOperationsQuota(limit: settings.maxOperationsPerUser))
        }
        let formKey: String
        let form: ResponseRenderer.ItemForm
        if let properties = query?.properties { form = .fragment(properties); formKey = properties.map { $0.lowercased() }.joined(separator: ",") }
        else { form = .typed; formKey = "*" }
        let rendered = renderedItems(className: className, list: list, form: form, formKey: formKey, mode: body.mode, runtime: &runtime)
        var selected = rendered
        // Instances are only visited to filter them: an unfiltered enumeration (a sweep's) copies none.
        if query != nil || !selectorFilter.isEmpty {
            selected = list.indices.compactMap { offset -> [UInt8]? in
                let instance = list[offset]
                if let query, !query.matches(instance) { return nil }
                if !selectorFilter.allSatisfy({ instance[$0.name]?.lexicalForm?.lowercased() == $0.value.lowercased() }) { return nil }
                return rendered[offset]
            }
        }
        let contextID = newID(&runtime)
        var context = EnumerationContext(items: selected[...], lastUsed: settings.clock.now(), user: user)
        var batch: ArraySlice<[UInt8]>?
        if body.optimize {
            switch take(&context, max: body.maxElements, limit: limit) {
            case .success(let taken): batch = taken
            case .failure(let fault): return .failure(fault)
            }
        }
        let finished = batch != nil && context.items.isEmpty
        if !finished { runtime.contexts[contextID] = context }
        let (head, tail) = ResponseRenderer.envelopeParts(action: WSManAction.enumerate.responseAction, relatesTo: request.messageID,
                                                          messageID: newID(&runtime), namespaces: ResponseRenderer.enumerationNamespaces)
        let opening = head + "<n:EnumerateResponse><n:EnumerationContext>\(finished ? "" : contextID)</n:EnumerationContext>"
        guard let batch else { return .success(ByteBuffer(string: opening + "</n:EnumerateResponse>" + tail)) }
        return .success(Self.assemble(opening + "<w:Items>", batch,
                                      "</w:Items>" + (finished ? "<w:EndOfSequence/>" : "") + "</n:EnumerateResponse>" + tail))
    }

    func pull(_ request: SoapRequest, context id: String, maxElements: Int, limit: Int,
              runtime: inout Runtime) -> Result<ByteBuffer, SimulatedFault> {
        let now = settings.clock.now()
        guard var context = runtime.contexts[id] else { return .failure(.invalidEnumerationContext()) }
        context.pulls += 1
        if now - context.lastUsed > settings.idleTimeout || (settings.fault == .expire && context.pulls >= 2) {
            runtime.contexts[id] = nil
            return .failure(.invalidEnumerationContext())
        }
        let batch: ArraySlice<[UInt8]>
        switch take(&context, max: maxElements, limit: limit) {
        case .success(let taken): batch = taken
        case .failure(let fault): return .failure(fault)
        }
        context.lastUsed = now
        let (head, tail) = ResponseRenderer.envelopeParts(action: WSManAction.pull.responseAction, relatesTo: request.messageID,
                                                          messageID: newID(&runtime), namespaces: ResponseRenderer.enumerationNamespaces)
        if context.items.isEmpty {
            runtime.contexts[id] = nil
            return .success(Self.assemble(head + "<n:PullResponse><n:Items>", batch, "</n:Items><n:EndOfSequence/></n:PullResponse>" + tail))
        }
        runtime.contexts[id] = context
        return .success(Self.assemble(head + "<n:PullResponse><n:EnumerationContext>\(id)</n:EnumerationContext><n:Items>", batch,
                                      "</n:Items></n:PullResponse>" + tail))
    }

    /// Takes up to `max` items that fit in the envelope budget; one item that alone is too big is a fault.
    private func take(_ context: inout EnumerationContext, max: Int, limit: Int) -> Result<ArraySlice<[UInt8]>, SimulatedFault> {
        let overhead = 1_400
        var budget = limit - overhead
        let start = context.items.startIndex
        var end = start
        while end - start < Swift.max(1, max), end < context.items.endIndex, context.items[end].count <= budget {
            budget -= context.items[end].count
            end += 1
        }
        if end == start, !context.items.isEmpty { return .failure(.encodingLimit(tooSmall: false)) }
        let taken = context.items[start..<end]
        context.items = context.items[end...]
        return .success(taken)
    }

    /// Joins pre-rendered items between two envelope fragments in one buffer, the one the handler
    /// writes to the socket: each item is copied once (no re-encoding).
    static func assemble(_ opening: String, _ items: ArraySlice<[UInt8]>, _ closing: String) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: opening.utf8.count + closing.utf8.count + items.reduce(0) { $0 + $1.count })
        buffer.writeString(opening)
        for item in items { buffer.writeBytes(item) }
        buffer.writeString(closing)
        return buffer
    }

    /// Items rendered once per host state and form, then served from memory until the next tick.
    private func renderedItems(className: String, list: [CimInstance], form: ResponseRenderer.ItemForm, formKey: String,
                               mode: SoapRequest.EnumerationMode, runtime: inout Runtime) -> [[UInt8]] {
        let key = CacheKey(className: className.lowercased(), form: "\(mode)|\(formKey)")
        if let cached = runtime.cache[key] { return cached }
        let schemas = runtime.state.schemas
        let rendered = list.map { instance -> [UInt8] in
            let object = ResponseRenderer.item(instance, form: form, schemas: schemas)
            return switch mode {
            case .objects: Array(object.utf8)
            case .epr: Array(ResponseRenderer.endpointReference(for: instance).utf8)
            case .objectAndEPR: Array("<w:Item>\(object)\(ResponseRenderer.endpointReference(for: instance))</w:Item>".utf8)
            }
        }
        runtime.cache[key] = rendered
        return rendered
    }
}
