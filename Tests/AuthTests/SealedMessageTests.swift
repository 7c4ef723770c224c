import Testing

@testable import Transport

/// The MS-WSMV 2.2.9.1.1 framing alone: what a hostile or broken server can send.
@Suite struct SealedMessageTests {
    static let proto = "application/HTTP-SPNEGO-session-encrypted"

    @Test func encodeThenDecodeKeepsEveryPart() throws {
        let signature: [UInt8] = Array(0..<60)
        let sealed = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let body = SealedMessage.encode(protocol: Self.proto, originalType: "application/soap+xml;charset=UTF-8",
                                        plainLength: 4_321, signature: signature, sealed: sealed)
        let parts = try SealedMessage.decode(body)
        #expect(parts == SealedMessage.Parts(originalType: "application/soap+xml;charset=UTF-8", plainLength: 4_321,
                                              signature: signature, sealed: sealed))
    }

    /// The sealed data may itself contain the boundary text; only the last closing boundary ends it.
    @Test func boundaryTextInsideTheCiphertextDoesNotCutIt() throws {
        let sealed = Array("--Encrypted Boundary--\r\n--Encrypted Boundary\r\n".utf8) + [0, 1, 2]
        let body = SealedMessage.encode(protocol: Self.proto, originalType: "text/xml", plainLength: 3, signature: [9, 9],
                                        sealed: sealed)
        #expect(try SealedMessage.decode(body).sealed == sealed)
    }

    @Test(arguments: [
        ("", "no MIME boundary"),
        ("--Encrypted Boundary\r\n\tContent-Type: x\r\n", "only one MIME part"),
        ("--Encrypted Boundary\r\n\tContent-Type: x\r\n--Encrypted Boundary\r\n", "no OriginalContent"),
        ("--Encrypted Boundary\r\n\tOriginalContent: type=a;Length=-4\r\n--Encrypted Boundary\r\n", "no OriginalContent"),
        ("--Encrypted Boundary\r\n\tOriginalContent: type=a;Length=4\r\n--Encrypted Boundary\r\n", "no application/octet-stream"),
        ("--Encrypted Boundary\r\n\tOriginalContent: type=a;Length=4\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\nxx",
         "no closing boundary"),
        ("--Encrypted Boundary\r\n\tOriginalContent: type=a;Length=4\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\nab--Encrypted Boundary--\r\n",
         "shorter than its length field"),
        ("--Encrypted Boundary\r\n\tOriginalContent: type=a;Length=4\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n\u{7F}\u{7F}\u{7F}\u{7F}abc--Encrypted Boundary--\r\n",
         "does not fit"),
    ])
    func malformedBodiesAreRefusedWithAReason(body: String, reason: String) {
        #expect {
            _ = try SealedMessage.decode(Array(body.utf8))
        } throws: { error in
            (error as? SealedMessage.FormatError)?.detail.contains(reason) == true
        }
    }
}
