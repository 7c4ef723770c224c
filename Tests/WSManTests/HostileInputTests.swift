import Foundation
import Testing
import WSMan

/// Hostile or broken bodies end in a clear `WSManParseError`: never a crash, a hang, an expanded
/// entity or unbounded memory.
@Suite struct HostileInputTests {
    static let envelopeStart = #"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Body><n:PullResponse><n:EnumerationContext>c</n:EnumerationContext><n:Items>"#
    static let envelopeEnd = "</n:Items></n:PullResponse></s:Body></s:Envelope>"
    static let open = #"<p:X xmlns:p="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/X"><p:A>"#
    static let close = "</p:A></p:X>"
    static let item = #"<p:X_Item xmlns:p="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/X_Item"><p:Name>a</p:Name><p:Size>1</p:Size></p:X_Item>"#

    func parseError(_ text: String, limits: WSManParserLimits = .init()) -> WSManParseError? {
        do {
            _ = try WSManResponseParser.parse(Array(text.utf8), WSManResponseContext(expecting: .pull), limits: limits)
            return nil
        } catch { return error }
    }

    @Test func billionLaughsIsRefusedAtTheDoctype() throws {
        var dtd = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        for level in 1...9 { dtd += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1 == 0 ? "" : String(level - 1));", count: 10) + "\">" }
        dtd += "]>"
        let error = try #require(parseError(dtd + Self.envelopeStart + Self.open + "&lol9;" + Self.close + Self.envelopeEnd))
        #expect(error.kind == .doctypeRefused)
        #expect(error.byteOffset < 100)
        #expect(error.description.contains("DOCTYPE"))
    }

    @Test func externalEntityIsNeverFetched() throws {
        let xxe = #"<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#
            + Self.envelopeStart + Self.open + "&xxe;" + Self.close + Self.envelopeEnd
        let error = try #require(parseError(xxe))
        #expect(error.kind == .doctypeRefused)
        #expect(!error.description.contains("root:"))
        // Without a DOCTYPE an entity reference is simply undeclared: malformed, not expanded.
        let undeclared = try #require(parseError(Self.envelopeStart + Self.open + "&xxe;" + Self.close + Self.envelopeEnd))
        #expect(undeclared.kind == .malformed)
        #expect(undeclared.found.contains("xxe"))
        let external = try #require(parseError(#"<!DOCTYPE s:Envelope SYSTEM "http://127.0.0.1:9/evil.dtd">"# + Self.envelopeStart + Self.envelopeEnd))
        #expect(external.kind == .doctypeRefused)
    }

    @Test func gigabyteBodyStopsAtTheSizeLimit() throws {
        // 1 GiB generated on the fly in 64 KiB chunks of repeated items; nothing is stored.
        var limits = WSManParserLimits()
        limits.maxBytes = 4 << 20
        var items = 0
        let parser = WSManResponseParser(WSManResponseContext(expecting: .pull), limits: limits) { _ in items += 1 }
        let chunk = Array(String(repeating: Self.item, count: 65_536 / Self.item.utf8.count).utf8)
        var fed = 0
        var stopped: WSManParseError?
        do {
            try parser.feed(Array(Self.envelopeStart.utf8))
            while fed < 1 << 30 {
                try parser.feed(chunk)
                fed += chunk.count
            }
        } catch {
            stopped = error
        }
        let error = try #require(stopped)
        #expect(error.kind == .limitExceeded)
        #expect(error.byteOffset == limits.maxBytes)
        #expect(fed <= limits.maxBytes)
        #expect(items > 1000)
        #expect(throws: WSManParseError.self) { try parser.finish() }
    }

    @Test func oneHugeTextNodeStopsAtTheDefaultLimits() throws {
        let parser = WSManResponseParser(WSManResponseContext(expecting: .pull))
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        var stopped: WSManParseError?
        var fed = 0
        do {
            try parser.feed(Array((Self.envelopeStart + Self.open).utf8))
            while fed < 1 << 30 {
                try parser.feed(chunk)
                fed += chunk.count
            }
        } catch {
            stopped = error
        }
        #expect(stopped?.kind == .limitExceeded)
        #expect(fed <= WSManParserLimits().maxBytes)
    }

    @Test func truncatedStreamFailsAtFinish() throws {
        let whole = try Reference.bytes("corpus/zenoss-txwinrm/ws2012-Win32_Service-wql-select-star-001-PullResponse.xml")
        var delivered = 0
        let parser = WSManResponseParser(WSManResponseContext(expecting: .pull)) { _ in delivered += 1 }
        try parser.feed(Array(whole[..<(whole.count / 2)]))
        #expect(throws: WSManParseError.self) { try parser.finish() }
        do { _ = try parser.finish() } catch { #expect(error.kind == .truncated) }
        #expect(delivered > 0 && delivered < 50)
    }

    @Test func invalidUTF8IsMalformed() throws {
        var bytes = Array((Self.envelopeStart + Self.open).utf8)
        bytes += [0xC3, 0x28, 0xFF]
        bytes += Array((Self.close + Self.envelopeEnd).utf8)
        #expect { try WSManResponseParser.parse(bytes, WSManResponseContext(expecting: .pull)) } throws: { error in
            guard let error = error as? WSManParseError else { return false }
            return error.kind == .malformed && error.found.contains("UTF-8")
        }
    }

    @Test func deepNestingAndAttributeFloodsHitTheLimits() throws {
        let deep = Self.envelopeStart + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
            + Self.envelopeEnd
        #expect(parseError(deep)?.kind == .limitExceeded)
        let attributes = (0..<1000).map { " a\($0)=\"x\"" }.joined()
        #expect(parseError(Self.envelopeStart + "<X\(attributes)/>" + Self.envelopeEnd)?.kind == .limitExceeded)
        var limits = WSManParserLimits()
        limits.maxTextBytes = 1000
        let longText = Self.envelopeStart + Self.open + String(repeating: "b", count: 5000) + Self.close + Self.envelopeEnd
        #expect(parseError(longText, limits: limits)?.kind == .limitExceeded)
    }

    @Test func wrongDocumentsAreNamed() throws {
        let html = try #require(parseError("<html><body>Service Unavailable</body></html>"))
        #expect(html.kind == .unexpectedContent)
        #expect(html.description == "WS-Man response unexpected content at byte 5, line 1: expected a SOAP 1.2 s:Envelope, found element 'html' (no namespace)")
        do {
            _ = try WSManResponseParser.parse(Array("<html/>".utf8), WSManResponseContext(expecting: .get, host: "srv01"))
        } catch {
            #expect(error.host == "srv01")
            #expect(error.description.hasPrefix("srv01: WS-Man response unexpected content"))
        }
        #expect(html.found.contains("html"))
        let garbage = try #require(parseError("HTTP/1.1 500 oops"))
        #expect(garbage.kind == .malformed)
        #expect(parseError("  \n ")?.kind == .emptyBody)
        #expect(parseError("")?.kind == .emptyBody)
    }

    @Test func crossedResponsesAreRefused() throws {
        let body = try Reference.bytes("corpus/zenoss-txwinrm/ws2012-Win32_Process-wql-select-star-001-PullResponse.xml")
        let context = WSManResponseContext(expecting: .pull, relatesTo: "uuid:00000000-0000-0000-0000-000000000001")
        #expect { try WSManResponseParser.parse(body, context) } throws: { error in
            (error as? WSManParseError)?.kind == .relatesToMismatch
        }
        let matching = WSManResponseContext(expecting: .pull, relatesTo: "uuid:578dc055-b6c4-4387-b39f-e992d0ed76a0")
        #expect(try WSManResponseParser.parse(body, matching).items.count == 32)
        // A PullResponse is not an EnumerateResponse.
        #expect { try WSManResponseParser.parse(body, WSManResponseContext(expecting: .enumerate)) } throws: { error in
            (error as? WSManParseError)?.kind == .unexpectedContent
        }
    }

    @Test func errorsAreSticky() throws {
        let parser = WSManResponseParser(WSManResponseContext(expecting: .pull))
        #expect(throws: WSManParseError.self) { try parser.feed(Array("<!DOCTYPE x>".utf8)) }
        #expect(throws: WSManParseError.self) { try parser.feed(Array(Self.envelopeStart.utf8)) }
        #expect(throws: WSManParseError.self) { try parser.finish() }
    }
}
