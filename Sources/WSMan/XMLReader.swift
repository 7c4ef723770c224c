import Foundation

/// Reads one XML 1.0 document in UTF-8, token by token, from bytes that arrive in pieces: the
/// well-formedness checks and namespace processing the WS-Man response parser relies on, with
/// names and namespace URIs interned as small integers (`NameTable`).
///
/// What it refuses by design: any DOCTYPE (so no DTD, no entity declarations, nothing fetched),
/// references to entities other than the five predefined ones, encodings other than UTF-8
/// (WinRM answers in the request's encoding, and cimsweep asks in UTF-8), and everything
/// XML 1.0 and Namespaces in XML 1.0 call an error: invalid UTF-8 or characters, mismatched tags,
/// undeclared prefixes, duplicate attributes, `]]>` in text, `--` in comments.
///
/// The caller hands it a buffer (`attach`) and calls `next()` until `.needMore`; the bytes from
/// `position` on are an unfinished token, to be handed again with more bytes after them. Events
/// point into the buffer or into the reader's own scratch space: valid until the next call.
struct XMLReader {
    enum Event {
        /// An element starts; its attributes (namespace declarations left out) are in `attributes`.
        case startElement(namespace: Int32, localName: Int32)
        case endElement
        /// Character data with references resolved and line ends normalized.
        case text(UnsafePointer<UInt8>, Int)
        /// The buffer ends inside a token (or is used up).
        case needMore
        indirect case failed(Failure)
    }

    struct Attribute {
        var namespace: Int32
        var localName: Int32
        /// The qualified name as written, until namespaces are resolved.
        var qualifiedName: Int32
        /// Where the value is: in the input, or in `scratch` when it needed decoding.
        var isDecoded: Bool
        var start: Int
        var count: Int
    }

    struct Failure: Error {
        var kind: WSManParseError.Kind
        /// Offset in the attached buffer.
        var position: Int
        var expected: String
        var found: String
    }

    enum Phase { case start, prolog, content, epilog }

    private struct OpenElement {
        let qualifiedName: Int32
        /// `bindings.count` before the element's own namespace declarations.
        let bindingsMark: Int32
    }

    var names = NameTable()
    var attributes: [Attribute] = []
    let maxAttributes: Int
    // The byte tables, held here so the scanning loops do not go through a global's lazy initializer.
    let textBytes = XMLCharacters.text
    let attributeBytes = XMLCharacters.attribute
    let nameBytes = XMLCharacters.name

    // The attached buffer.
    private(set) var base: UnsafePointer<UInt8> = XMLReader.noBytes
    private(set) var end = 0
    /// The start of the next token in the attached buffer.
    var position = 0
    private(set) var isFinal = false
    /// Where the last event was found: for elements, just past the name.
    var eventPosition = 0

    var phase = Phase.start
    private var open: [OpenElement] = []
    /// Namespace declarations in scope, innermost last.
    private var bindings: [(prefix: Int32, namespace: Int32)] = []
    private var pendingEnd = false
    private var pendingUnbind: Int32 = -1
    /// The last tag read: `2 × name` for a start tag, `2 × name + 1` for an end tag (-1: none yet).
    private var lastTag = -1
    /// By `lastTag`: the name of the start tag that followed it last time (-1: none).
    private var predictions: [Int32] = []
    /// Nothing but a byte order mark read so far: an XML declaration may still come.
    var mayDeclare = true
    /// Decoded text and attribute values.
    let scratch = ScratchBuffer()

    /// The base of an empty buffer (never read).
    nonisolated(unsafe) private static let noBytes: UnsafePointer<UInt8> = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

    init(maxAttributes: Int) {
        self.maxAttributes = maxAttributes
    }

    /// Reads from `buffer` next; `isFinal` when no bytes will follow it.
    mutating func attach(_ buffer: UnsafeBufferPointer<UInt8>, isFinal: Bool) {
        base = buffer.baseAddress ?? Self.noBytes
        end = buffer.count
        position = 0
        self.isFinal = isFinal
    }

    /// The open elements' depth.
    var depth: Int { open.count }

    /// The value of an attribute of the current start tag.
    func value(of attribute: Attribute) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: (attribute.isDecoded ? UnsafePointer(scratch.start) : base) + attribute.start,
                            count: attribute.count)
    }

    /// The namespace bound to a prefix in the current scope (`Known.empty` for no prefix and no
    /// default namespace); nil when the prefix is not declared.
    @inline(__always)
    func namespace(ofPrefix prefix: Int32) -> Int32? {
        var index = bindings.count - 1
        while index >= 0 {
            if bindings[index].prefix == prefix { return bindings[index].namespace }
            index -= 1
        }
        if prefix == NameTable.Known.empty { return NameTable.Known.empty }
        if prefix == NameTable.Known.xmlPrefix { return NameTable.Known.xmlNamespace }
        return nil
    }

    mutating func next() -> Event {
        if pendingUnbind >= 0 {
            if Int(pendingUnbind) < bindings.count { bindings.removeSubrange(Int(pendingUnbind)...) }
            pendingUnbind = -1
        }
        if pendingEnd {
            pendingEnd = false
            return closeElement()
        }
        if phase == .start, let event = documentStart() { return event }
        while position < end {
            if base[position] != UInt8(ascii: "<") {
                if phase == .content { return text() }
                if let event = spaceOutsideTheDocumentElement() { return event }
                continue
            }
            guard position + 1 < end else { return .needMore }
            switch base[position + 1] {
            case UInt8(ascii: "/"): return endTag()
            case UInt8(ascii: "!"): if let event = declarationOrComment() { return event }
            case UInt8(ascii: "?"): if let event = processingInstruction() { return event }
            default: return startTag()
            }
        }
        return .needMore
    }

    // MARK: Document structure

    /// The byte order mark, if any; other encodings' marks are refused.
    private mutating func documentStart() -> Event? {
        if end - position < 4, !isFinal { return .needMore }
        let available = end - position
        func starts(_ bytes: [UInt8]) -> Bool {
            available >= bytes.count && (0..<bytes.count).allSatisfy { base[position + $0] == bytes[$0] }
        }
        if starts([0xEF, 0xBB, 0xBF]) {
            position += 3
        } else if starts([0xFE, 0xFF]) || starts([0xFF, 0xFE]) || starts([0x00, 0x3C]) || starts([0x3C, 0x00]) {
            return .failed(Failure(kind: .malformed, position: position, expected: "a UTF-8 body",
                                   found: "UTF-16 or UTF-32 (cimsweep asks for UTF-8, as WinRM then answers)"))
        }
        phase = .prolog
        return nil
    }

    /// Whitespace before or after the document element is skipped; anything else is an error.
    private mutating func spaceOutsideTheDocumentElement() -> Event? {
        while position < end, XMLCharacters.isSpace(base[position]) {
            position += 1
            mayDeclare = false
        }
        guard position < end, base[position] != UInt8(ascii: "<") else { return nil }
        return fail(at: position, expected: phase == .prolog ? "'<' starting the document" : "nothing after the document element",
                    found: "text \(snippet(at: position))")
    }

    private mutating func startTag() -> Event {
        var i = position + 1
        let qualifiedName: Int32, nameEnd: Int
        if let predicted = predictedName(at: i) {
            (qualifiedName, nameEnd) = (predicted, i + names.length(predicted))
        } else {
            switch scanName(from: i) {
            case .end(let found): nameEnd = found
            case .needMore: return .needMore
            case .invalid(let at): return fail(at: at, expected: "an element name after '<'", found: snippet(at: at))
            }
            qualifiedName = names.id(base + i, nameEnd - i)
            learn(qualifiedName)
        }
        if phase == .epilog {
            return fail(at: position, expected: "nothing after the document element", found: "another element")
        }
        i = nameEnd
        if !attributes.isEmpty { attributes.removeAll(keepingCapacity: true) }
        scratch.removeAll()
        var isEmpty = false
        while true {
            var sawSpace = false
            while i < end, XMLCharacters.isSpace(base[i]) {
                i += 1
                sawSpace = true
            }
            guard i < end else { return .needMore }
            if base[i] == UInt8(ascii: ">") {
                i += 1
                break
            }
            if base[i] == UInt8(ascii: "/") {
                guard i + 1 < end else { return .needMore }
                guard base[i + 1] == UInt8(ascii: ">") else { return fail(at: i, expected: "'/>'", found: snippet(at: i)) }
                i += 2
                isEmpty = true
                break
            }
            guard sawSpace else { return fail(at: i, expected: "whitespace, '>' or '/>' after \(quoted(qualifiedName))", found: snippet(at: i)) }
            switch attribute(from: i, of: qualifiedName) {
            case .end(let after): i = after
            case .needMore: return .needMore
            case .failed(let failure): return .failed(failure)
            }
        }
        position = i
        eventPosition = nameEnd
        return openElement(qualifiedName, isEmpty: isEmpty)
    }

    /// Binds the tag's namespace declarations, resolves its names, and opens the element.
    private mutating func openElement(_ qualifiedName: Int32, isEmpty: Bool) -> Event {
        let mark = Int32(bindings.count)
        if let failure = bindDeclarations(from: mark) { return .failed(failure) }
        guard let parts = names.qualifiedName(qualifiedName) else {
            return fail(at: eventPosition, expected: "a qualified element name", found: quoted(qualifiedName))
        }
        guard let namespace = namespace(ofPrefix: parts.prefix) else {
            return fail(at: eventPosition, expected: "a declared namespace prefix", found: "\(quoted(qualifiedName)) with prefix '\(names[parts.prefix])' undeclared")
        }
        if let failure = resolveAttributeNames() { return .failed(failure) }
        open.append(OpenElement(qualifiedName: qualifiedName, bindingsMark: mark))
        lastTag = 2 * Int(qualifiedName)
        phase = .content
        pendingEnd = isEmpty
        return .startElement(namespace: namespace, localName: parts.local)
    }

    /// Takes the `xmlns` and `xmlns:p` attributes out of `attributes` and binds them.
    private mutating func bindDeclarations(from mark: Int32) -> Failure? {
        var kept = 0
        for index in attributes.indices {
            let attribute = attributes[index]
            let name = attribute.qualifiedName
            let prefix: Int32
            if name == NameTable.Known.xmlnsPrefix {
                prefix = NameTable.Known.empty
            } else if let parts = names.qualifiedName(name), parts.prefix == NameTable.Known.xmlnsPrefix {
                prefix = parts.local
            } else {
                attributes[kept] = attribute
                kept += 1
                continue
            }
            let uri = value(of: attribute)
            let namespace = names.id(uri.baseAddress ?? Self.noBytes, uri.count)
            let isXML = namespace == NameTable.Known.xmlNamespace, isXMLNS = namespace == NameTable.Known.xmlnsNamespace
            if prefix == NameTable.Known.xmlnsPrefix || isXMLNS || (prefix == NameTable.Known.xmlPrefix) != isXML
                || (prefix != NameTable.Known.empty && uri.isEmpty) {
                return Failure(kind: .malformed, position: eventPosition, expected: "a namespace declaration Namespaces in XML allows",
                               found: "\(quoted(name))=\"\(String(decoding: uri, as: UTF8.self))\"")
            }
            if bindings[Int(mark)...].contains(where: { $0.prefix == prefix }) {
                return Failure(kind: .malformed, position: eventPosition, expected: "each prefix declared once on an element",
                               found: "\(quoted(name)) twice")
            }
            bindings.append((prefix, namespace))
        }
        if kept < attributes.count { attributes.removeSubrange(kept...) }
        return nil
    }

    private mutating func resolveAttributeNames() -> Failure? {
        for index in attributes.indices {
            let name = attributes[index].qualifiedName
            guard let parts = names.qualifiedName(name) else {
                return Failure(kind: .malformed, position: eventPosition, expected: "a qualified attribute name", found: quoted(name))
            }
            // An attribute without a prefix is in no namespace, whatever the default namespace.
            let namespace = parts.prefix == NameTable.Known.empty ? NameTable.Known.empty : self.namespace(ofPrefix: parts.prefix)
            guard let namespace else {
                return Failure(kind: .malformed, position: eventPosition, expected: "a declared namespace prefix",
                               found: "attribute \(quoted(name)) with prefix '\(names[parts.prefix])' undeclared")
            }
            attributes[index].namespace = namespace
            attributes[index].localName = parts.local
            for earlier in 0..<index where attributes[earlier].namespace == namespace && attributes[earlier].localName == parts.local {
                return Failure(kind: .malformed, position: eventPosition, expected: "each attribute once",
                               found: "attribute \(quoted(name)) twice")
            }
        }
        return nil
    }

    private mutating func endTag() -> Event {
        let i = position + 2
        // Almost always the innermost element's name then '>': compared, not scanned.
        if let innermost = open.last {
            let length = names.length(innermost.qualifiedName)
            if i + length < end, base[i + length] == UInt8(ascii: ">"), names.equals(innermost.qualifiedName, base + i, length) {
                position = i + length + 1
                eventPosition = i + length
                return closeElement()
            }
        }
        let nameEnd: Int
        switch scanName(from: i) {
        case .end(let found): nameEnd = found
        case .needMore: return .needMore
        case .invalid(let at): return fail(at: at, expected: "an element name after '</'", found: snippet(at: at))
        }
        guard let innermost = open.last else {
            return fail(at: position, expected: "nothing after the document element", found: "an end tag")
        }
        guard names.equals(innermost.qualifiedName, base + i, nameEnd - i) else {
            return fail(at: i, expected: "</\(names[innermost.qualifiedName])>",
                        found: "</\(String(decoding: UnsafeBufferPointer(start: base + i, count: nameEnd - i), as: UTF8.self))>")
        }
        var k = nameEnd
        while k < end, XMLCharacters.isSpace(base[k]) { k += 1 }
        guard k < end else { return .needMore }
        guard base[k] == UInt8(ascii: ">") else { return fail(at: k, expected: "'>' closing the end tag", found: snippet(at: k)) }
        position = k + 1
        eventPosition = nameEnd
        return closeElement()
    }

    private mutating func closeElement() -> Event {
        let element = open.removeLast()
        lastTag = 2 * Int(element.qualifiedName) + 1
        // Unbound on the next call, so the element's declarations still resolve while its end is handled.
        pendingUnbind = element.bindingsMark
        if open.isEmpty { phase = .epilog }
        return .endElement
    }

    // MARK: Predicting names

    // A response repeats one item's element names over and over, so the name that followed a tag
    // last time (the first child after a start tag, the next sibling after an end tag) is usually
    // the one that follows it now: comparing it costs less than scanning and hashing the name.

    /// The predicted name, when the bytes at `start` are exactly it (followed by a byte that cannot
    /// continue a name).
    @inline(__always)
    private func predictedName(at start: Int) -> Int32? {
        guard lastTag >= 0, lastTag < predictions.count else { return nil }
        let predicted = predictions[lastTag]
        guard predicted >= 0 else { return nil }
        let length = names.length(predicted)
        guard start + length < end,
              nameBytes[Int(base[start + length])] & (XMLCharacters.nameChar | XMLCharacters.nonASCII) == 0,
              names.equals(predicted, base + start, length) else { return nil }
        return predicted
    }

    private mutating func learn(_ name: Int32) {
        guard lastTag >= 0 else { return }
        if lastTag >= predictions.count { predictions += repeatElement(-1, count: lastTag + 1 - predictions.count) }
        predictions[lastTag] = name
    }

    // MARK: Failures

    func fail(at position: Int, expected: String, found: String, kind: WSManParseError.Kind = .malformed) -> Event {
        .failed(Failure(kind: kind, position: position, expected: expected, found: found))
    }

    func quoted(_ name: Int32) -> String { "'\(names[name])'" }

    /// A short, printable look at the bytes at `at`, for error messages.
    func snippet(at: Int) -> String {
        guard at < end else { return "the end of the body" }
        let bytes = UnsafeBufferPointer(start: base + at, count: min(24, end - at))
        let text = String(decoding: bytes, as: UTF8.self).unicodeScalars.map { scalar -> String in
            scalar.value < 0x20 || scalar.value == 0x7F ? String(format: "\\x%02X", scalar.value) : String(scalar)
        }.joined()
        return "'\(text)\(end - at > 24 ? "…" : "")'"
    }
}
