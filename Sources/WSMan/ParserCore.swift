import CIMModel
import CLibXML2
import Foundation

/// The SAX2 side of `WSManResponseParser`: owns the libxml2 push parser and the parse state.
///
/// The state is a struct in memory this object allocates, and libxml2's callbacks reach it
/// through that pointer: a class's stored properties would cost a runtime exclusivity check on
/// every access, which measured as the largest single cost of parsing. The pointer is never
/// accessed while `xmlParseChunk` runs except from inside the callbacks themselves.
final class ParserCore {
    private let state: UnsafeMutablePointer<ParserState>

    init(context: WSManResponseContext, limits: WSManParserLimits, onItem: @escaping (EnumerationItem) -> Void) {
        state = .allocate(capacity: 1)
        state.initialize(to: ParserState(context: context, limits: limits, onItem: onItem))
    }

    deinit {
        if let ctxt = state.pointee.ctxt { xmlFreeParserCtxt(ctxt) }
        state.deinitialize(count: 1)
        state.deallocate()
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws(WSManParseError) {
        if let failure = state.pointee.failure { throw failure }
        guard !bytes.isEmpty else { return }
        let limit = state.pointee.limits.maxBytes
        if state.pointee.bytesFed + bytes.count > limit {
            state.pointee.fail(.limitExceeded, expected: "a body of at most \(limit) bytes",
                               found: "more than \(limit) bytes", offset: limit)
            throw state.pointee.failure!
        }
        if !state.pointee.sawContent { state.pointee.sawContent = bytes.contains { !XMLArena.isSpace($0) } }
        let context = try parserContext()
        // xmlParseChunk takes an Int32 length; hand it at most 16 MiB at a time.
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, 16 << 20)
            state.pointee.bytesFed += count
            let start = bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
            let status = xmlParseChunk(context, start, Int32(count), 0)
            try state.pointee.check(status, terminating: false)
            offset += count
        }
    }

    func finish() throws(WSManParseError) -> WSManResponse {
        if let failure = state.pointee.failure { throw failure }
        let fed = state.pointee.bytesFed
        guard state.pointee.sawContent else {
            throw WSManParseError(kind: .emptyBody, byteOffset: fed, expected: "a SOAP envelope",
                                  found: fed == 0 ? "an empty body" : "only whitespace")
        }
        let context = try parserContext()
        let status = xmlParseChunk(context, nil, 0, 1)
        try state.pointee.check(status, terminating: true)
        guard state.pointee.envelopeClosed else {
            throw WSManParseError(kind: .truncated, byteOffset: fed, expected: "the end of the s:Envelope",
                                  found: "the end of the body after \(fed) bytes")
        }
        return try state.pointee.response()
    }

    private func parserContext() throws(WSManParseError) -> xmlParserCtxtPtr {
        if let ctxt = state.pointee.ctxt { return ctxt }
        var handler = xmlSAXHandler()
        handler.initialized = 0xDEED_BEAF  // XML_SAX2_MAGIC: namespace-aware SAX2 callbacks
        handler.startElementNs = { user, localName, _, uri, namespaceCount, namespaces, attributeCount, _, attributes in
            ParserState.at(user).pointee.startElement(localName, uri, namespaceCount, namespaces, attributeCount, attributes)
        }
        handler.endElementNs = { user, _, _, _ in ParserState.at(user).pointee.endElement() }
        handler.characters = { user, bytes, count in ParserState.at(user).pointee.characters(bytes, count) }
        handler.cdataBlock = { user, bytes, count in ParserState.at(user).pointee.characters(bytes, count) }
        handler.internalSubset = { user, name, _, _ in ParserState.at(user).pointee.refuseDoctype(name) }
        handler.externalSubset = { user, name, _, _ in ParserState.at(user).pointee.refuseDoctype(name) }
        handler.entityDecl = { user, name, _, _, _, _ in ParserState.at(user).pointee.refuseDoctype(name) }
        handler.serror = { user, error in ParserState.at(user).pointee.record(error) }
        guard let created = xmlCreatePushParserCtxt(&handler, UnsafeMutableRawPointer(state), nil, 0, nil) else {
            throw WSManParseError(kind: .malformed, byteOffset: 0, expected: "a libxml2 parser",
                                  found: "libxml2 could not allocate a parser context")
        }
        // No NOENT (entities are never substituted), no DTDLOAD/DTDATTR, and NONET so nothing is
        // ever fetched; DOCTYPE itself is refused by the internalSubset callback.
        _ = xmlCtxtUseOptions(created, Int32(XML_PARSE_NONET.rawValue))
        state.pointee.ctxt = created
        return created
    }
}

/// Everything one parse knows: where it is in the SOAP structure, the subtree being captured,
/// and what the response said so far.
struct ParserState {
    let context: WSManResponseContext
    let limits: WSManParserLimits
    private let onItem: (EnumerationItem) -> Void
    private var names = NameTable()
    private var decoder: ItemDecoder
    var ctxt: xmlParserCtxtPtr?

    private(set) var failure: WSManParseError? {
        didSet { hasFailed = failure != nil }
    }
    /// `failure != nil`, for the SAX callbacks: testing the optional struct itself costs a runtime
    /// call per event.
    private var hasFailed = false
    private var libxmlError: WSManParseError?
    private var libxmlErrorIsFatal = false
    var bytesFed = 0
    var sawContent = false

    // Where we are in the SOAP structure.
    private var depth = 0
    private var inBody = false
    private var bodyHasChild = false
    private var responseDepth: Int?
    private var itemsDepth: Int?
    private(set) var envelopeClosed = false

    // The subtree being captured.
    private enum Capture { case header, fault, identify, context, item, instance, skip }
    private var capture: Capture?
    private var captureDepth = 0
    private var arena = XMLArena()
    private var openNodes: [Int32] = []

    // Namespace declarations in scope, for QName-valued text (fault codes).
    private var scopePrefixes: [UnsafePointer<xmlChar>?] = []
    private var scopeURIs: [UnsafePointer<xmlChar>?] = []
    private var scopeCounts: [Int32] = []

    // What the response said.
    private var action: String?
    private var enumerationContext: String?
    private var isEndOfSequence = false
    private var sawEnumerationResponse = false
    private var sawReleaseResponse = false
    private var itemCount = 0
    private var result: WSManResponse?

    init(context: WSManResponseContext, limits: WSManParserLimits, onItem: @escaping (EnumerationItem) -> Void) {
        self.context = context
        self.limits = limits
        self.onItem = onItem
        decoder = ItemDecoder(context: context)
    }

    static func at(_ user: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<ParserState> {
        user!.assumingMemoryBound(to: ParserState.self)
    }

    mutating func check(_ status: Int32, terminating: Bool) throws(WSManParseError) {
        if let failure { throw failure }
        guard status != 0 else { return }
        let error = libxmlError ?? WSManParseError(kind: .malformed, byteOffset: bytesFed,
                                                   expected: "well-formed XML", found: "libxml2 error \(status)")
        failure = terminating && !envelopeClosed
            ? WSManParseError(kind: .truncated, byteOffset: error.byteOffset, line: error.line,
                              expected: "the rest of the s:Envelope", found: error.found)
            : error
        throw failure!
    }


    // MARK: Errors

    private var position: (offset: Int, line: Int?) {
        guard let ctxt, let input = ctxt.pointee.input else { return (bytesFed, nil) }
        let i = input.pointee
        var offset = Int(i.consumed)
        if let cur = i.cur, let base = i.base { offset += base.distance(to: cur) }
        return (offset, Int(i.line))
    }

    mutating func fail(_ kind: WSManParseError.Kind, expected: String, found: String, offset: Int? = nil) {
        guard failure == nil else { return }
        let (at, line) = position
        failure = WSManParseError(kind: kind, byteOffset: offset ?? at, line: offset == nil ? line : nil,
                                  expected: expected, found: found)
        if let ctxt { xmlStopParser(ctxt) }
    }

    /// Keeps the first fatal error (or the first error, until a fatal one comes): libxml2 reports
    /// recoverable namespace errors too, and those must not hide the reason parsing stopped.
    mutating func record(_ error: xmlErrorPtr?) {
        guard let error else { return }
        let isFatal = error.pointee.level == XML_ERR_FATAL
        guard libxmlError == nil || (isFatal && !libxmlErrorIsFatal) else { return }
        libxmlErrorIsFatal = isFatal
        let message = error.pointee.message.map { String(cString: $0) } ?? "libxml2 error \(error.pointee.code)"
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        libxmlError = WSManParseError(kind: .malformed, byteOffset: position.offset, line: Int(error.pointee.line),
                                      expected: "well-formed UTF-8 XML", found: trimmed)
    }

    mutating func refuseDoctype(_ name: UnsafePointer<xmlChar>?) {
        let what = name.map { String(cString: $0) } ?? "?"
        fail(.doctypeRefused, expected: "no DOCTYPE, DTD or entity declaration (refused by design)",
             found: "a declaration of '\(what)'")
    }

    // MARK: SAX events

    mutating func startElement(_ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?,
                              _ namespaceCount: Int32, _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                              _ attributeCount: Int32, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard !hasFailed else { return }
        let level = depth
        depth += 1
        let ns = names.id(uri), local = names.id(localName)
        if depth > limits.maxDepth {
            return fail(.limitExceeded, expected: "elements nested at most \(limits.maxDepth) deep",
                        found: "element '\(names[local])' at depth \(depth)")
        }
        if attributeCount > limits.maxAttributes {
            return fail(.limitExceeded, expected: "at most \(limits.maxAttributes) attributes on an element",
                        found: "\(attributeCount) attributes on '\(names[local])'")
        }
        scopeCounts.append(namespaceCount)
        if namespaceCount > 0, let namespaces {
            for n in 0..<Int(namespaceCount) {
                scopePrefixes.append(namespaces[2 * n])
                scopeURIs.append(namespaces[2 * n + 1])
            }
        }
        if let capture {
            if capture != .skip { addNode(ns, local, attributeCount, attributes) }
            return
        }
        switch level {
        case 0:
            guard ns == NameTable.Known.soap, local == NameTable.Known.envelope else {
                return fail(.unexpectedContent, expected: "a SOAP 1.2 s:Envelope", found: describe(ns, local))
            }
        case 1 where ns == NameTable.Known.soap && local == NameTable.Known.header:
            begin(.header, level, ns, local, attributeCount, attributes)
        case 1 where ns == NameTable.Known.soap && local == NameTable.Known.body:
            inBody = true
        case 2 where inBody:
            bodyHasChild = true
            startBodyChild(level, ns, local, attributeCount, attributes)
        case 3 where responseDepth == 2:
            if local == NameTable.Known.enumerationContext, ns == NameTable.Known.enumeration {
                begin(.context, level, ns, local, attributeCount, attributes)
            } else if local == NameTable.Known.items, ns == NameTable.Known.wsman || ns == NameTable.Known.enumeration {
                itemsDepth = level
            } else if local == NameTable.Known.endOfSequence, ns == NameTable.Known.wsman || ns == NameTable.Known.enumeration {
                isEndOfSequence = true
                begin(.skip, level, ns, local, attributeCount, attributes)
            } else {
                begin(.skip, level, ns, local, attributeCount, attributes)
            }
        case 4 where itemsDepth == 3:
            begin(.item, level, ns, local, attributeCount, attributes)
        default:
            begin(.skip, level, ns, local, attributeCount, attributes)
        }
    }

    private mutating func startBodyChild(_ level: Int, _ ns: Int32, _ local: Int32, _ attributeCount: Int32,
                                _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        let expecting = context.expecting
        if ns == NameTable.Known.soap, local == NameTable.Known.fault {
            return begin(.fault, level, ns, local, attributeCount, attributes)
        }
        switch expecting {
        case .enumerate, .pull:
            let wanted = expecting == .enumerate ? NameTable.Known.enumerateResponse : NameTable.Known.pullResponse
            guard ns == NameTable.Known.enumeration, local == wanted else { break }
            sawEnumerationResponse = true
            responseDepth = level
            return
        case .release:
            guard ns == NameTable.Known.enumeration, local == NameTable.Known.releaseResponse else { break }
            sawReleaseResponse = true
            return begin(.skip, level, ns, local, attributeCount, attributes)
        case .identify:
            // Windows: wsmid:IdentifyResponse; OMI: the same element in the SOAP namespace.
            guard local == NameTable.Known.identifyResponse,
                  ns == NameTable.Known.identity || ns == NameTable.Known.soap else { break }
            return begin(.identify, level, ns, local, attributeCount, attributes)
        case .get:
            return begin(result == nil ? .instance : .skip, level, ns, local, attributeCount, attributes)
        }
        fail(.unexpectedContent, expected: Self.expectedBody(expecting), found: describe(ns, local))
    }

    private static func expectedBody(_ kind: WSManResponseKind) -> String {
        switch kind {
        case .identify: "wsmid:IdentifyResponse or s:Fault"
        case .get: "an instance or s:Fault"
        case .enumerate: "n:EnumerateResponse or s:Fault"
        case .pull: "n:PullResponse or s:Fault"
        case .release: "an empty body, n:ReleaseResponse or s:Fault"
        }
    }

    private func describe(_ ns: Int32, _ local: Int32) -> String {
        ns == NameTable.Known.empty ? "element '\(names[local])' (no namespace)"
            : "element '\(names[local])' in namespace \(names[ns])"
    }

    private mutating func begin(_ kind: Capture, _ level: Int, _ ns: Int32, _ local: Int32, _ attributeCount: Int32,
                       _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        capture = kind
        captureDepth = level
        guard kind != .skip else { return }
        arena.reset()
        openNodes.removeAll(keepingCapacity: true)
        addNode(ns, local, attributeCount, attributes)
    }

    private mutating func addNode(_ ns: Int32, _ local: Int32, _ attributeCount: Int32,
                         _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        let index = arena.append(namespace: ns, localName: local, parent: openNodes.last ?? -1)
        openNodes.append(index)
        guard attributeCount > 0, let attributes else { return }
        for a in 0..<Int(attributeCount) {
            let base = 5 * a
            guard let begin = attributes[base + 3], let end = attributes[base + 4] else { continue }
            let bytes = UnsafeBufferPointer(start: begin, count: begin.distance(to: end))
            let attributeNS = names.id(attributes[base + 2]), attributeName = names.id(attributes[base])
            if attributeNS == NameTable.Known.xsi, attributeName == NameTable.Known.nil {
                // The hot case (every null property): no String, no attribute record.
                arena.nodes[Int(index)].isNil = bytes.elementsEqual("true".utf8) || bytes.elementsEqual("1".utf8)
                continue
            }
            let value = String(decoding: bytes, as: UTF8.self)
            arena.attributes.append(.init(namespace: attributeNS, localName: attributeName, value: value))
            arena.nodes[Int(index)].attributeCount += 1
        }
    }

    mutating func characters(_ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
        guard !hasFailed, let capture, capture != .skip, let node = openNodes.last, let bytes else { return }
        if arena.textLength(node) + Int(count) > limits.maxTextBytes {
            return fail(.limitExceeded, expected: "text nodes of at most \(limits.maxTextBytes) bytes",
                        found: "a longer text in '\(names[arena.nodes[Int(node)].localName])'")
        }
        arena.appendText(UnsafeBufferPointer(start: bytes, count: Int(count)), to: node)
    }

    mutating func endElement() {
        guard !hasFailed else { return }
        depth -= 1
        if let capture {
            if capture != .skip, let node = openNodes.popLast() {
                if capture == .fault, arena.nodes[Int(node)].localName == NameTable.Known.value {
                    arena.resolvedQNames[node] = resolveQName(arena.trimmedText(node))
                }
            }
            if depth == captureDepth {
                self.capture = nil
                if capture != .skip { finishCapture(capture) }
            }
        } else if depth == 0 {
            envelopeClosed = true
        } else if depth == itemsDepth {
            itemsDepth = nil
        } else if depth == responseDepth {
            responseDepth = nil
        }
        let declared = Int(scopeCounts.removeLast())
        if declared > 0 {
            scopePrefixes.removeLast(declared)
            scopeURIs.removeLast(declared)
        }
    }

    /// Resolves `prefix:local` against the declarations in scope (SOAP fault codes are QNames).
    private func resolveQName(_ text: String) -> (namespace: String, localName: String) {
        guard let colon = text.firstIndex(of: ":") else { return ("", text) }
        let prefix = String(text[..<colon]), local = String(text[text.index(after: colon)...])
        for i in stride(from: scopePrefixes.count - 1, through: 0, by: -1) {
            let declared = scopePrefixes[i].map { String(cString: $0) } ?? ""
            if declared == prefix { return (scopeURIs[i].map { String(cString: $0) } ?? "", local) }
        }
        return ("", local)
    }

    private mutating func finishCapture(_ kind: Capture) {
        switch kind {
        case .header:
            for child in arena.children(0) where arena.nodes[Int(child)].namespace == NameTable.Known.addressing {
                switch arena.nodes[Int(child)].localName {
                case NameTable.Known.action: action = arena.trimmedText(child)
                case NameTable.Known.relatesTo: checkRelatesTo(arena.trimmedText(child))
                default: break
                }
            }
        case .fault:
            result = .fault(WSManFault(arena: arena, root: 0, names: names, action: action, host: context.host))
        case .identify:
            result = .identify(IdentifyResponse(arena: arena, root: 0, names: names))
        case .context:
            enumerationContext = arena.trimmedText(0)
        case .item:
            itemCount += 1
            onItem(decoder.decodeItem(arena, 0, names: &names))
        case .instance:
            result = .get(decoder.decodeItem(arena, 0, names: &names))
        case .skip:
            break
        }
    }

    private mutating func checkRelatesTo(_ relatesTo: String) {
        guard let expected = context.relatesTo, !expected.isEmpty else { return }
        if relatesTo.lowercased() != expected.lowercased() {
            fail(.relatesToMismatch, expected: "a:RelatesTo \(expected) (the request's MessageID)",
                 found: "a:RelatesTo \(relatesTo): a response to another request")
        }
    }

    // MARK: Result

    func response() throws(WSManParseError) -> WSManResponse {
        if let result { return result }
        switch context.expecting {
        case .enumerate where sawEnumerationResponse, .pull where sawEnumerationResponse:
            return .enumeration(EnumerationBatch(context: enumerationContext, isEndOfSequence: isEndOfSequence,
                                                 itemCount: itemCount))
        case .release where sawReleaseResponse || !bodyHasChild:
            return .release
        default:
            throw WSManParseError(kind: .unexpectedContent, byteOffset: bytesFed,
                                  expected: Self.expectedBody(context.expecting) + " in s:Body",
                                  found: inBody ? "an empty s:Body" : "no s:Body")
        }
    }
}
