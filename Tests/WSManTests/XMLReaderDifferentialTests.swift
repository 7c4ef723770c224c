import CLibXML2
import Foundation
import Testing
import WSMan

/// cimsweep reads responses with its own XML reader; libxml2 is the independent judge here. For
/// real captures and for thousands of one-byte mutations of documents that use every construct
/// the reader knows, both must agree on whether the document is (namespace-)well-formed, and on
/// what a well-formed one says: elements, attributes and text, with namespaces resolved.
@Suite struct XMLReaderDifferentialTests {
    static let seeds: [String] = [
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- lead --><s:Envelope xmlns:s="urn:s" xmlns:p="urn:p" xml:lang="en-US"><s:Body><p:Item a="1\t2\r\n3" p:b='x &amp; "y"'>\
        <p:Name>Caf&#xE9; &lt;1&gt; &#233;</p:Name><p:Nil xsi:nil="true" xmlns:xsi="urn:xsi"/><![CDATA[a<b&c]]><?pi data?>\
        日本 😀 line1\r\nline2\r</p:Item><x xmlns="urn:d"><y z="&quot;"/></x></s:Body></s:Envelope>

        """,
        // One byte away from duplicate attributes (`cc`, and `b:c` once `urn:ax` loses its x), `]]>`
        // in text, and a prefix bound twice.
        #"<a:E xmlns:a="urn:a" xmlns="urn:d"><b c="d" cc="" a:c="e" xmlns:b="urn:ax" b:c="f">]] t <![CDATA[]]]]><c/></b><a:F xmlns:a="urn:x" xmlns:aa="urn:y">&apos;&#x10FFFF;</a:F></a:E>"#,
    ]

    static let mutationBytes: [UInt8] = Array("<>&;\"'=/!?-]:# \t\n\rx0".utf8) + [0x00, 0x01, 0x7F, 0x80, 0xC3, 0xE2, 0xEF, 0xF0, 0xFF]

    /// Every one-byte replacement, insertion and deletion of a seed.
    static func mutations(of seed: [UInt8]) -> [[UInt8]] {
        var documents: [[UInt8]] = []
        for index in 0...seed.count {
            if index < seed.count {
                var deleted = seed
                deleted.remove(at: index)
                documents.append(deleted)
            }
            for byte in mutationBytes {
                var inserted = seed
                inserted.insert(byte, at: index)
                documents.append(inserted)
                if index < seed.count, seed[index] != byte {
                    var replaced = seed
                    replaced[index] = byte
                    documents.append(replaced)
                }
            }
        }
        // The reader refuses every DOCTYPE by design; libxml2 would read one.
        return documents.filter { !String(decoding: $0, as: UTF8.self).contains("<!DOCTYPE") }
    }

    @Test func seedsReadTheSameAsLibxml2() throws {
        for seed in Self.seeds.map({ Array($0.utf8) }) {
            let expected = try #require(Self.libxml2Events(seed))
            #expect(try XMLReaderProbe.events(of: seed, pieceSize: seed.count).get() == expected)
            #expect(expected.count >= 10)
        }
    }

    @Test(arguments: 0..<2) func oneByteMutationsGetTheSameVerdictAndReading(seedIndex: Int) throws {
        let documents = Self.mutations(of: Array(Self.seeds[seedIndex].utf8))
        var wellFormed = 0, refused = 0, disagreements: [String] = []
        for (index, document) in documents.enumerated() {
            // Two places where the reader is stricter than libxml2 on purpose: libxml2 stops at a
            // NUL byte, which is no XML character; and it reads on as UTF-8 when the declaration
            // names an encoding it does not know, which the reader refuses.
            let refusedByDesign = document.contains(0) || Self.declaresAnotherEncoding(document)
            let expected = refusedByDesign ? nil : Self.libxml2Events(document)
            // Whole, and (for a sample) in small pieces, which exercises resuming inside tokens.
            for pieceSize in index % 7 == 0 ? [document.count, 1, 5] : [document.count] {
                let read = XMLReaderProbe.events(of: document, pieceSize: pieceSize)
                switch (expected, read) {
                case (let expected?, .success(let events)) where events == expected: wellFormed += 1
                case (nil, .failure(let error)) where error.kind != .limitExceeded: refused += 1
                default:
                    disagreements.append("""
                        \(String(decoding: document, as: UTF8.self).debugDescription) in pieces of \(pieceSize): \
                        libxml2 \(expected.map { "\($0)" } ?? "refuses"), cimsweep \(read)
                        """)
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
        #expect(wellFormed > 100 && refused > 1000)
    }

    @Test func realCapturesReadTheSameAsLibxml2() throws {
        let files = try Reference.files(in: "corpus/zenoss-txwinrm").filter { $0.hasSuffix(".xml") }.map { "corpus/zenoss-txwinrm/\($0)" }
            + Reference.files(in: "omi-captures").filter { $0.hasSuffix(".response.xml") }.map { "omi-captures/\($0)" }
        #expect(files.count > 40)
        for file in files {
            let bytes = try Reference.bytes(file)
            guard !bytes.isEmpty else { continue }   // OMI's empty answers
            let expected = try #require(Self.libxml2Events(bytes), "\(file)")
            #expect(try XMLReaderProbe.events(of: bytes, pieceSize: 4096).get() == expected, "\(file)")
        }
    }

    static func declaresAnotherEncoding(_ document: [UInt8]) -> Bool {
        let text = String(decoding: document.prefix(80), as: UTF8.self)
        guard text.hasPrefix("<?xml"), let range = text.range(of: #"encoding\s*=\s*["'][^"']*"#, options: .regularExpression)
        else { return false }
        let name = text[range].split(whereSeparator: { $0 == "\"" || $0 == "'" }).last.map { $0.lowercased() } ?? ""
        return !["utf-8", "utf8", "us-ascii", "ascii"].contains(name)
    }

    // MARK: libxml2's reading, in XMLReaderProbe's format

    /// nil when libxml2 finds the document not well-formed or not namespace-well-formed. One
    /// namespace error is set aside: libxml2 checks that namespace names are URI references, which
    /// the reader does not (it compares them as strings, as namespace matching does).
    static func libxml2Events(_ bytes: [UInt8]) -> [String]? {
        guard let context = xmlNewParserCtxt() else { return nil }
        defer { xmlFreeParserCtxt(context) }
        let errors = NamespaceErrors()
        context.pointee._private = Unmanaged.passUnretained(errors).toOpaque()
        context.pointee.sax.pointee.serror = { user, error in
            guard let user, let error, error.pointee.domain == Int32(XML_FROM_NAMESPACE.rawValue) else { return }
            let context = user.assumingMemoryBound(to: xmlParserCtxt.self)
            let errors = Unmanaged<NamespaceErrors>.fromOpaque(context.pointee._private).takeUnretainedValue()
            let code = error.pointee.code
            if code != Int32(XML_WAR_NS_URI.rawValue), code != Int32(XML_WAR_NS_URI_RELATIVE.rawValue) { errors.others += 1 }
        }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOERROR.rawValue
                            | XML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlCtxtReadMemory(context, $0, Int32(buffer.count), nil, nil, options)
            }
        }
        defer { if let document { xmlFreeDoc(document) } }
        guard let document, context.pointee.wellFormed != 0, context.pointee.nsWellFormed != 0 || errors.others == 0,
              let root = xmlDocGetRootElement(document) else { return nil }
        var lines: [String] = []
        element(root, into: &lines)
        return lines
    }

    private final class NamespaceErrors {
        var others = 0
    }

    private static func element(_ node: xmlNodePtr, into lines: inout [String]) {
        var line = "start {\(namespace(node.pointee.ns))}\(String(cString: node.pointee.name))"
        var property = node.pointee.properties
        while let attribute = property {
            var value: [UInt8] = []
            var part = attribute.pointee.children
            while let text = part {
                if let content = text.pointee.content { value += Array(String(cString: content).utf8) }
                part = text.pointee.next
            }
            line += " {\(namespace(attribute.pointee.ns))}\(String(cString: attribute.pointee.name))=\(quoted(value))"
            property = attribute.pointee.next
        }
        lines.append(line)
        var text: [UInt8] = []
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += Array(String(cString: content).utf8) }
            case XML_ELEMENT_NODE:
                if !text.isEmpty { lines.append("text \(quoted(text))") }
                text = []
                element(current, into: &lines)
            default:
                break
            }
            child = current.pointee.next
        }
        if !text.isEmpty { lines.append("text \(quoted(text))") }
        lines.append("end")
    }

    private static func namespace(_ ns: xmlNsPtr?) -> String {
        ns.flatMap { $0.pointee.href }.map { String(cString: $0) } ?? ""
    }

    /// As `XMLReaderProbe` quotes.
    private static func quoted(_ bytes: [UInt8]) -> String {
        "\"" + String(decoding: bytes, as: UTF8.self).unicodeScalars.map { scalar in
            scalar == "\"" || scalar == "\\" || scalar.value < 0x20 ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined() + "\""
    }
}
