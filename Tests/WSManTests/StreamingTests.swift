import Testing
import WSMan

/// Items are delivered as soon as they close, before the rest of the body has arrived.
@Suite struct StreamingTests {
    @Test func firstItemArrivesBeforeTheLastByte() throws {
        let body = try Reference.bytes("corpus/zenoss-txwinrm/ws2012-Win32_Process-wql-select-star-001-PullResponse.xml")
        var fedWhenItemArrived: [Int] = []
        var fed = 0
        let parser = WSManResponseParser(WSManResponseContext(expecting: .pull)) { _ in fedWhenItemArrived.append(fed) }
        var offset = 0
        while offset < body.count {
            let end = min(offset + 256, body.count)
            fed = end
            try parser.feed(Array(body[offset..<end]))
            offset = end
        }
        let response = try parser.finish()
        #expect(fedWhenItemArrived.count == 32)
        #expect(try #require(fedWhenItemArrived.first) < body.count / 10)
        #expect(fedWhenItemArrived == fedWhenItemArrived.sorted())
        guard case .enumeration(let batch) = response else {
            Issue.record("\(response)")
            return
        }
        #expect(batch.itemCount == 32)
    }

    @Test func oneByteChunksGiveTheSameResultAsOneChunk() throws {
        let body = try Reference.bytes("corpus/zenoss-txwinrm/ws2012-Win32_Service-wql-select-proplist-003-PullResponse-EndOfSequence.xml")
        let context = WSManResponseContext(expecting: .pull, defaultClassName: "Win32_Service", defaultNamespace: "root/cimv2")
        let whole = try WSManResponseParser.parse(body, context)
        var items: [EnumerationItem] = []
        let parser = WSManResponseParser(context) { items.append($0) }
        for byte in body { try parser.feed([byte]) }
        #expect(try parser.finish() == whole.response)
        #expect(items == whole.items)
        #expect(items.count == 10)
    }
}
