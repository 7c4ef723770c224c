import CIMModel
import Foundation

/// Everything one parse knows: where it is in the SOAP structure, the subtree being captured,
/// and what the response said so far.
struct ParserState {
    let context: WSManResponseContext
    let limits: WSManParserLimits
    private let onItem: (EnumerationItem) -> Void
    private var reader: XMLReader
    private var decoder: ItemDecoder
    private var names: NameTable { reader.names }

    private(set) var failure: WSManParseError? {
        didSet { hasFailed = failure != nil }
    }
    /// `failure != nil`, for the event loop: testing the optional struct itself costs a runtime
    /// call per event.
    private var hasFailed = false
    var bytesFed = 0
    var sawContent = false
    /// The body offset of the buffer being scanned, and the line breaks before it.
    private var bufferOffset = 0
    private var linesBefore = 0

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
        reader = XMLReader(maxAttributes: limits.maxAttributes)
    }

    /// Parses every complete token of `buffer`, which starts at body offset `offset`; returns how
    /// many bytes that was (the rest is an unfinished token). Stops at the first failure.
    mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int, isFinal: Bool) -> Int {
        bufferOffset = offset
        reader.attach(buffer, isFinal: isFinal)
        events: while !hasFailed {
            switch reader.next() {
            case .startElement(let namespace, let localName): startElement(namespace, localName)
            case .endElement: endElement()
            case .text(let bytes, let count): characters(bytes, count)
            case .needMore: break events
            case .failed(let failure): fail(failure)
            }
        }
        let used = reader.position
        linesBefore += Self.lineBreaks(reader.base, upTo: used)
        return used
    }

    /// The number of LF bytes in `bytes[..<count]`. Bodies are mostly one long line (Windows writes
    /// no line breaks between elements), so `memchr` skips through them at memory speed.
    private static func lineBreaks(_ bytes: UnsafePointer<UInt8>, upTo count: Int) -> Int {
        var found = 0
        var next = UnsafeRawPointer(bytes)
        let end = next + count
        while next < end, let hit = memchr(next, 0x0A, end - next) {
            found += 1
            next = UnsafeRawPointer(hit) + 1
        }
        return found
    }


    // MARK: Errors

    /// Body offset and line of a position in the buffer being scanned.
    private func location(_ position: Int) -> (offset: Int, line: Int) {
        (bufferOffset + position, linesBefore + Self.lineBreaks(reader.base, upTo: min(position, reader.end)) + 1)
    }

    /// Fails at the last event (or at body offset `offset`, when given).
    mutating func fail(_ kind: WSManParseError.Kind, expected: String, found: String, offset: Int? = nil) {
        guard failure == nil else { return }
        if let offset {   // from outside a scan: no buffer to count lines in
            failure = WSManParseError(kind: kind, byteOffset: offset, expected: expected, found: found)
            return
        }
        let (at, line) = location(reader.eventPosition)
        failure = WSManParseError(kind: kind, byteOffset: at, line: line, expected: expected, found: found)
    }

    private mutating func fail(_ failure: XMLReader.Failure) {
        guard self.failure == nil else { return }
        let (at, line) = location(failure.position)
        self.failure = WSManParseError(kind: failure.kind, byteOffset: at, line: line, expected: failure.expected,
                                       found: failure.found)
    }

    // MARK: Events

    private mutating func startElement(_ ns: Int32, _ local: Int32) {
        let level = depth
        depth += 1
        if depth > limits.maxDepth {
            return fail(.limitExceeded, expected: "elements nested at most \(limits.maxDepth) deep",
                        found: "element '\(names[local])' at depth \(depth)")
        }
        if let capture {
            if capture != .skip { addNode(ns, local) }
            return
        }
        switch level {
        case 0:
            guard ns == NameTable.Known.soap, local == NameTable.Known.envelope else {
                return fail(.unexpectedContent, expected: "a SOAP 1.2 s:Envelope", found: describe(ns, local))
            }
        case 1 where ns == NameTable.Known.soap && local == NameTable.Known.header:
            begin(.header, level, ns, local)
        case 1 where ns == NameTable.Known.soap && local == NameTable.Known.body:
            inBody = true
        case 2 where inBody:
            bodyHasChild = true
            startBodyChild(level, ns, local)
        case 3 where responseDepth == 2:
            if local == NameTable.Known.enumerationContext, ns == NameTable.Known.enumeration {
                begin(.context, level, ns, local)
            } else if local == NameTable.Known.items, ns == NameTable.Known.wsman || ns == NameTable.Known.enumeration {
                itemsDepth = level
            } else if local == NameTable.Known.endOfSequence, ns == NameTable.Known.wsman || ns == NameTable.Known.enumeration {
                isEndOfSequence = true
                begin(.skip, level, ns, local)
            } else {
                begin(.skip, level, ns, local)
            }
        case 4 where itemsDepth == 3:
            begin(.item, level, ns, local)
        default:
            begin(.skip, level, ns, local)
        }
    }

    private mutating func startBodyChild(_ level: Int, _ ns: Int32, _ local: Int32) {
        let expecting = context.expecting
        if ns == NameTable.Known.soap, local == NameTable.Known.fault {
            return begin(.fault, level, ns, local)
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
            return begin(.skip, level, ns, local)
        case .identify:
            // Windows: wsmid:IdentifyResponse; OMI: the same element in the SOAP namespace.
            guard local == NameTable.Known.identifyResponse,
                  ns == NameTable.Known.identity || ns == NameTable.Known.soap else { break }
            return begin(.identify, level, ns, local)
        case .get:
            return begin(result == nil ? .instance : .skip, level, ns, local)
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

    private mutating func begin(_ kind: Capture, _ level: Int, _ ns: Int32, _ local: Int32) {
        capture = kind
        captureDepth = level
        guard kind != .skip else { return }
        arena.reset()
        openNodes.removeAll(keepingCapacity: true)
        addNode(ns, local)
    }

    private mutating func addNode(_ ns: Int32, _ local: Int32) {
        let index = arena.append(namespace: ns, localName: local, parent: openNodes.last ?? -1)
        openNodes.append(index)
        for attribute in reader.attributes {
            let bytes = reader.value(of: attribute)
            let attributeNS = attribute.namespace, attributeName = attribute.localName
            if attributeNS == NameTable.Known.xsi, attributeName == NameTable.Known.nil {
                // The hot case (every null property): no String, no attribute record.
                arena.nodes[Int(index)].isNil = (bytes.count == 4 && bytes[0] == UInt8(ascii: "t") && bytes[1] == UInt8(ascii: "r")
                                                 && bytes[2] == UInt8(ascii: "u") && bytes[3] == UInt8(ascii: "e"))
                    || (bytes.count == 1 && bytes[0] == UInt8(ascii: "1"))
                continue
            }
            let value = String(decoding: bytes, as: UTF8.self)
            arena.attributes.append(.init(namespace: attributeNS, localName: attributeName, value: value))
            arena.nodes[Int(index)].attributeCount += 1
        }
    }

    private mutating func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        guard let capture, capture != .skip, let node = openNodes.last else { return }
        if arena.textLength(node) + count > limits.maxTextBytes {
            return fail(.limitExceeded, expected: "text nodes of at most \(limits.maxTextBytes) bytes",
                        found: "a longer text in '\(names[arena.nodes[Int(node)].localName])'")
        }
        arena.appendText(UnsafeBufferPointer(start: bytes, count: count), to: node)
    }

    private mutating func endElement() {
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
    }

    /// Resolves `prefix:local` against the declarations in scope (SOAP fault codes are QNames).
    private func resolveQName(_ text: String) -> (namespace: String, localName: String) {
        guard let colon = text.firstIndex(of: ":") else { return ("", text) }
        let prefix = String(text[..<colon]), local = String(text[text.index(after: colon)...])
        guard let prefixID = names.existing(prefix), let namespace = reader.namespace(ofPrefix: prefixID) else { return ("", local) }
        return (names[namespace], local)
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
            onItem(decoder.decodeItem(arena, 0, names: &reader.names))
        case .instance:
            result = .get(decoder.decodeItem(arena, 0, names: &reader.names))
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
