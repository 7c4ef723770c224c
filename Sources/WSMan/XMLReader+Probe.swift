/// A test hook: what `XMLReader` reads from a document fed in pieces, one line per event, so that
/// tests can hold it against an independent XML parser (libxml2).
package enum XMLReaderProbe {
    /// `start {namespace}local {ns}attribute="value" …`, `end`, `text "…"` (adjacent text merged,
    /// comments and processing instructions left out), or the first failure: `.truncated` when
    /// the document ends before its element does.
    package static func events(of document: [UInt8], pieceSize: Int) -> Result<[String], WSManParseError> {
        var reader = XMLReader(maxAttributes: 64)
        var lines: [String] = [], text: [UInt8] = []
        var pending: [UInt8] = []
        var fed = 0, consumed = 0
        func flushText() {
            if !text.isEmpty { lines.append("text \(quoted(text))") }
            text.removeAll()
        }
        while true {
            let isFinal = fed == document.count
            if !isFinal {
                let next = min(fed + max(1, pieceSize), document.count)
                pending += document[fed..<next]
                fed = next
            }
            let step: Result<Int, WSManParseError> = pending.withUnsafeBufferPointer { buffer in
                reader.attach(buffer, isFinal: isFinal)
                while true {
                    switch reader.next() {
                    case .startElement(let namespace, let localName):
                        flushText()
                        var line = "start {\(reader.names[namespace])}\(reader.names[localName])"
                        for attribute in reader.attributes {
                            line += " {\(reader.names[attribute.namespace])}\(reader.names[attribute.localName])="
                                + quoted(Array(reader.value(of: attribute)))
                        }
                        lines.append(line)
                    case .endElement:
                        flushText()
                        lines.append("end")
                    case .text(let bytes, let count):
                        text += UnsafeBufferPointer(start: bytes, count: count)
                    case .needMore:
                        return .success(reader.position)
                    case .failed(let failure):
                        return .failure(WSManParseError(kind: failure.kind, byteOffset: consumed + failure.position,
                                                        expected: failure.expected, found: failure.found))
                    }
                }
            }
            switch step {
            case .failure(let error): return .failure(error)
            case .success(let used):
                pending.removeFirst(used)
                consumed += used
            }
            if isFinal {
                guard reader.phase == .epilog, pending.isEmpty else {
                    return .failure(WSManParseError(kind: .truncated, byteOffset: consumed, expected: "the end of the document element",
                                                    found: "the end of the document"))
                }
                return .success(lines)
            }
        }
    }

    private static func quoted(_ bytes: [UInt8]) -> String {
        "\"" + String(decoding: bytes, as: UTF8.self).unicodeScalars.map { scalar in
            scalar == "\"" || scalar == "\\" || scalar.value < 0x20 ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined() + "\""
    }
}
