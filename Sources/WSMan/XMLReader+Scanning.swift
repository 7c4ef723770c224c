import Foundation

/// The lexical side of `XMLReader`: names, attribute values, character data and references,
/// comments, CDATA sections, processing instructions and the XML declaration. Each scan either
/// finishes its token, says the buffer ended first (`needMore`, nothing consumed), or fails.
extension XMLReader {
    enum NameScan { case end(Int), needMore, invalid(Int) }
    enum Step { case end(Int), needMore; indirect case failed(Failure) }
    enum Reference { case scalar(UInt32, length: Int), needMore; indirect case failed(Failure) }

    /// The end of the XML name starting at `start`.
    func scanName(from start: Int) -> NameScan {
        let table = nameBytes
        guard start < end else { return .needMore }
        var i = start
        let first = table[Int(base[i])]
        if first & XMLCharacters.nameStart != 0 {
            i += 1
        } else if first & XMLCharacters.nonASCII != 0 {
            switch XMLCharacters.decodeUTF8(base, i, end) {
            case .scalar(let scalar, let length) where XMLCharacters.isNameStart(scalar): i += length
            case .incomplete: return .needMore
            default: return .invalid(i)
            }
        } else {
            return .invalid(i)
        }
        while true {
            while i < end, table[Int(base[i])] & XMLCharacters.nameChar != 0 { i += 1 }
            guard i < end else { return .needMore }
            guard table[Int(base[i])] & XMLCharacters.nonASCII != 0 else { return .end(i) }
            switch XMLCharacters.decodeUTF8(base, i, end) {
            case .scalar(let scalar, let length) where XMLCharacters.isNameChar(scalar): i += length
            case .incomplete: return .needMore
            default: return .end(i)
            }
        }
    }

    /// One `name="value"` of a start tag, appended to `attributes`.
    mutating func attribute(from start: Int, of element: Int32) -> Step {
        let nameEnd: Int
        switch scanName(from: start) {
        case .end(let found): nameEnd = found
        case .needMore: return .needMore
        case .invalid(let at): return failure(at: at, expected: "an attribute name, '>' or '/>'", found: snippet(at: at))
        }
        var i = nameEnd
        while i < end, XMLCharacters.isSpace(base[i]) { i += 1 }
        guard i < end else { return .needMore }
        guard base[i] == UInt8(ascii: "=") else { return failure(at: i, expected: "'=' after an attribute name", found: snippet(at: i)) }
        i += 1
        while i < end, XMLCharacters.isSpace(base[i]) { i += 1 }
        guard i < end else { return .needMore }
        let quote = base[i]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            return failure(at: i, expected: "a quoted attribute value", found: snippet(at: i))
        }
        i += 1
        let valueStart = i
        let table = attributeBytes
        var decodes = false
        while true {
            while i < end, table[Int(base[i])] == 0 { i += 1 }
            guard i < end else { return .needMore }
            let byte = base[i]
            if byte == quote { break }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                i += 1
            case UInt8(ascii: "&"), 0x80...:
                switch stepOverReferenceOrUTF8(at: i, decodes: &decodes) {
                case .end(let after): i = after
                case .needMore: return .needMore
                case .failed(let failure): return .failed(failure)
                }
            case UInt8(ascii: "<"):
                return failure(at: i, expected: "no '<' in an attribute value (write &lt;)", found: "'<'")
            case 0x09, 0x0A, 0x0D:
                decodes = true
                i += 1
            default:
                return invalidCharacter(at: i)
            }
        }
        guard attributes.count < maxAttributes else {
            return .failed(Failure(kind: .limitExceeded, position: start, expected: "at most \(maxAttributes) attributes on an element",
                                   found: "more on \(quoted(element))"))
        }
        let name = names.id(base + start, nameEnd - start)
        var attribute = Attribute(namespace: 0, localName: 0, qualifiedName: name, isDecoded: false, start: valueStart, count: i - valueStart)
        if decodes {
            attribute.isDecoded = true
            attribute.start = scratch.count
            decode(valueStart..<i, references: true, spaces: true)
            attribute.count = scratch.count - attribute.start
        }
        attributes.append(attribute)
        return .end(i + 1)
    }

    /// Character data up to the next `<`.
    mutating func text() -> Event {
        let start = position
        var i = start
        let table = textBytes
        var decodes = false
        while true {
            while i < end, table[Int(base[i])] == 0 { i += 1 }
            guard i < end else { return .needMore }
            switch base[i] {
            case UInt8(ascii: "<"):
                position = i
                eventPosition = start
                guard decodes else { return .text(base + start, i - start) }
                scratch.removeAll()
                decode(start..<i, references: true, spaces: false)
                return .text(scratch.start, scratch.count)
            case UInt8(ascii: "&"), 0x80...:
                switch stepOverReferenceOrUTF8(at: i, decodes: &decodes) {
                case .end(let after): i = after
                case .needMore: return .needMore
                case .failed(let failure): return .failed(failure)
                }
            case UInt8(ascii: "]"):
                guard i + 2 < end else {
                    if i + 1 == end || base[i + 1] == UInt8(ascii: "]") { return .needMore }
                    i += 1
                    continue
                }
                if base[i + 1] == UInt8(ascii: "]"), base[i + 2] == UInt8(ascii: ">") {
                    return fail(at: i, expected: "no ']]>' in text (write ]]&gt;)", found: "']]>'")
                }
                i += 1
            case 0x0D:
                decodes = true
                i += 1
            default:
                return .failed(invalidCharacterFailure(at: i))
            }
        }
    }

    /// Past a reference (setting `decodes`: the text must be decoded) or a multi-byte character at `i`.
    func stepOverReferenceOrUTF8(at i: Int, decodes: inout Bool) -> Step {
        guard base[i] == UInt8(ascii: "&") else { return utf8(at: i) }
        switch reference(at: i) {
        case .scalar(_, let length):
            decodes = true
            return .end(i + length)
        case .needMore: return .needMore
        case .failed(let failure): return .failed(failure)
        }
    }

    /// `&name;`, `&#N;` or `&#xH;` at `start`: the character it stands for and its length.
    func reference(at start: Int) -> Reference {
        var i = start + 1
        guard i < end else { return .needMore }
        if base[i] == UInt8(ascii: "#") {
            i += 1
            guard i < end else { return .needMore }
            let hex = base[i] == UInt8(ascii: "x")
            if hex { i += 1 }
            var value: UInt32 = 0, digits = 0
            while i < end {
                let byte = base[i]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: digit = 99
                }
                if digit == 99 { break }
                value = min(value * (hex ? 16 : 10) + digit, 0x11_0000)
                digits += 1
                i += 1
            }
            guard i < end else { return .needMore }
            guard digits > 0, base[i] == UInt8(ascii: ";"), XMLCharacters.isChar(value) else {
                return .failed(Failure(kind: .malformed, position: start, expected: "a character reference to an XML character",
                                       found: snippet(at: start)))
            }
            return .scalar(value, length: i + 1 - start)
        }
        let nameEnd: Int
        switch scanName(from: i) {
        case .end(let found): nameEnd = found
        case .needMore: return .needMore
        case .invalid:
            return .failed(Failure(kind: .malformed, position: start, expected: "a reference after '&' (write &amp; for '&')",
                                   found: snippet(at: start)))
        }
        let name = String(decoding: UnsafeBufferPointer(start: base + i, count: nameEnd - i), as: UTF8.self)
        guard base[nameEnd] == UInt8(ascii: ";") else {
            return .failed(Failure(kind: .malformed, position: start, expected: "';' ending the reference '&\(name)'",
                                   found: snippet(at: nameEnd)))
        }
        let scalar: UInt32
        switch name {
        case "lt": scalar = 0x3C
        case "gt": scalar = 0x3E
        case "amp": scalar = 0x26
        case "quot": scalar = 0x22
        case "apos": scalar = 0x27
        default:
            return .failed(Failure(kind: .malformed, position: start,
                                   expected: "one of the predefined entities &lt; &gt; &amp; &quot; &apos; (no DTD declares others)",
                                   found: "the undeclared entity '&\(name);'"))
        }
        return .scalar(scalar, length: nameEnd + 1 - start)
    }

    /// Appends the bytes of `range` to `scratch`, resolving references, turning CR and CRLF into LF
    /// (or, with `spaces`, tab, LF, CR and CRLF into one space each, as attribute values are normalized).
    mutating func decode(_ range: Range<Int>, references: Bool, spaces: Bool) {
        var i = range.lowerBound, run = i
        func flush(_ upTo: Int) { if upTo > run { scratch.append(base + run, count: upTo - run) } }
        while i < range.upperBound {
            let byte = base[i]
            if byte == UInt8(ascii: "&"), references, case .scalar(let scalar, let length) = reference(at: i) {
                flush(i)
                XMLCharacters.appendUTF8(scalar, to: scratch)
                i += length
                run = i
            } else if byte == 0x0D || (spaces && (byte == 0x09 || byte == 0x0A)) {
                flush(i)
                scratch.append(spaces ? 0x20 : 0x0A)
                i += 1
                if byte == 0x0D, i < range.upperBound, base[i] == 0x0A { i += 1 }
                run = i
            } else {
                i += 1
            }
        }
        flush(range.upperBound)
    }

    /// A multi-byte UTF-8 character at `i` that is also an XML character.
    func utf8(at i: Int) -> Step {
        switch XMLCharacters.decodeUTF8(base, i, end) {
        case .scalar(_, let length): return .end(i + length)
        case .incomplete: return isFinal ? invalidUTF8(at: i) : .needMore
        case .invalid: return invalidUTF8(at: i)
        }
    }

    private func invalidUTF8(at i: Int) -> Step {
        let bytes = (i..<min(i + 4, end)).map { String(format: "%02X", base[$0]) }.joined(separator: " ")
        return failure(at: i, expected: "well-formed UTF-8 of XML characters", found: "invalid UTF-8 (bytes \(bytes))")
    }

    func invalidCharacter(at i: Int) -> Step { .failed(invalidCharacterFailure(at: i)) }

    func invalidCharacterFailure(at i: Int) -> Failure {
        Failure(kind: .malformed, position: i, expected: "a character XML allows",
                found: String(format: "the control character 0x%02X", base[i]))
    }

    func failure(at position: Int, expected: String, found: String) -> Step {
        .failed(Failure(kind: .malformed, position: position, expected: expected, found: found))
    }

    // MARK: Markup other than elements

    private enum Match { case yes, no, partial }

    /// Whether the buffer holds `literal` at `at` (`partial`: a prefix of it, then the buffer ends).
    private func match(_ literal: StaticString, at: Int) -> Match {
        let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for (k, byte) in bytes.enumerated() {
            guard at + k < end else { return .partial }
            if base[at + k] != byte { return .no }
        }
        return .yes
    }

    /// `<!--…-->` (skipped: nil), `<![CDATA[…]]>` (text), or `<!DOCTYPE` (refused).
    mutating func declarationOrComment() -> Event? {
        var sawPartial = false
        for (literal, kind) in [("<!--", 0), ("<![CDATA[", 1), ("<!DOCTYPE", 2)] as [(StaticString, Int)] {
            switch match(literal, at: position) {
            case .no: continue
            case .partial: sawPartial = true
            case .yes:
                switch kind {
                case 0: return comment()
                case 1: return characterData()
                default: return doctype()
                }
            }
        }
        if sawPartial, !isFinal { return .needMore }
        return fail(at: position, expected: "an element, a comment or CDATA after '<!'", found: snippet(at: position))
    }

    private mutating func comment() -> Event? {
        var i = position + 4
        while true {
            guard i + 2 < end else { return .needMore }
            let byte = base[i]
            if byte == UInt8(ascii: "-"), base[i + 1] == UInt8(ascii: "-") {
                guard base[i + 2] == UInt8(ascii: ">") else {
                    return fail(at: i, expected: "'--' only at the end of a comment", found: snippet(at: i))
                }
                position = i + 3
                if phase == .prolog { mayDeclare = false }
                return nil
            }
            switch plainCharacter(at: i) {
            case .end(let after): i = after
            case .needMore: return .needMore
            case .failed(let failure): return .failed(failure)
            }
        }
    }

    private mutating func characterData() -> Event {
        guard phase == .content else {
            return fail(at: position, expected: "CDATA only inside the document element", found: snippet(at: position))
        }
        let start = position + 9
        var i = start, decodes = false
        while true {
            guard i + 2 < end else { return .needMore }
            if base[i] == UInt8(ascii: "]"), base[i + 1] == UInt8(ascii: "]"), base[i + 2] == UInt8(ascii: ">") { break }
            if base[i] == 0x0D { decodes = true }
            switch plainCharacter(at: i) {
            case .end(let after): i = after
            case .needMore: return .needMore
            case .failed(let failure): return .failed(failure)
            }
        }
        position = i + 3
        eventPosition = start
        guard decodes else { return .text(base + start, i - start) }
        scratch.removeAll()
        decode(start..<i, references: false, spaces: false)
        return .text(scratch.start, scratch.count)
    }

    private func doctype() -> Event {
        var i = position + 9
        while i < end, XMLCharacters.isSpace(base[i]) { i += 1 }
        var name = "?"
        if case .end(let nameEnd) = scanName(from: i) {
            name = String(decoding: UnsafeBufferPointer(start: base + i, count: nameEnd - i), as: UTF8.self)
        }
        return fail(at: position, expected: "no DOCTYPE, DTD or entity declaration (refused by design)",
                    found: "a declaration of '\(name)'", kind: .doctypeRefused)
    }

    /// A character of a comment, CDATA section or processing instruction: any XML character.
    private func plainCharacter(at i: Int) -> Step {
        let byte = base[i]
        if byte >= 0x80 { return utf8(at: i) }
        if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D { return invalidCharacter(at: i) }
        return .end(i + 1)
    }

    /// `<?target …?>`, skipped (nil); the XML declaration is checked for its encoding.
    mutating func processingInstruction() -> Event? {
        let targetStart = position + 2
        let targetEnd: Int
        switch scanName(from: targetStart) {
        case .end(let found): targetEnd = found
        case .needMore: return .needMore
        case .invalid(let at): return fail(at: at, expected: "a processing instruction target after '<?'", found: snippet(at: at))
        }
        let target = String(decoding: UnsafeBufferPointer(start: base + targetStart, count: targetEnd - targetStart), as: UTF8.self)
        if target.contains(":") {   // Namespaces in XML, section 7
            return fail(at: targetStart, expected: "a processing instruction target without a colon", found: "'\(target)'")
        }
        var i = targetEnd
        while true {
            guard i + 1 < end else { return .needMore }
            if base[i] == UInt8(ascii: "?"), base[i + 1] == UInt8(ascii: ">") { break }
            if i == targetEnd, !XMLCharacters.isSpace(base[i]) {
                return fail(at: i, expected: "whitespace or '?>' after the target '\(target)'", found: snippet(at: i))
            }
            switch plainCharacter(at: i) {
            case .end(let after): i = after
            case .needMore: return .needMore
            case .failed(let failure): return .failed(failure)
            }
        }
        if target.lowercased() == "xml" {
            guard target == "xml", phase == .prolog, mayDeclare else {
                return fail(at: position, expected: "the XML declaration only at the very start", found: "'<?\(target)'")
            }
            if let failure = checkDeclaration(targetEnd..<i) { return .failed(failure) }
        }
        mayDeclare = false
        position = i + 2
        return nil
    }

    /// `version="1.x" [encoding="…"] [standalone="yes|no"]`: only UTF-8 (or its ASCII subset) is read.
    private func checkDeclaration(_ range: Range<Int>) -> Failure? {
        let text = String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
        let pattern = #"^(\s+version\s*=\s*("1\.[0-9]*"|'1\.[0-9]*'))(\s+encoding\s*=\s*("[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(\s+standalone\s*=\s*("(yes|no)"|'(yes|no)'))?\s*$"#
        guard let match = text.range(of: pattern, options: .regularExpression), match == text.startIndex..<text.endIndex else {
            return Failure(kind: .malformed, position: range.lowerBound, expected: "an XML declaration <?xml version=\"1.0\" …?>",
                           found: "'<?xml\(text)?>'")
        }
        guard let encoding = text.range(of: #"encoding\s*=\s*["'][^"']*"#, options: .regularExpression) else { return nil }
        let name = text[encoding].split(whereSeparator: { $0 == "\"" || $0 == "'" }).last.map { $0.lowercased() } ?? ""
        guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(name) else {
            return Failure(kind: .malformed, position: range.lowerBound, expected: "a UTF-8 body (cimsweep asks for UTF-8, as WinRM then answers)",
                           found: "encoding '\(name)'")
        }
        return nil
    }
}
