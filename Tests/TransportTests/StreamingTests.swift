import Testing
import Transport

@Suite struct StreamingTests {
    /// The server sends the rest of the body only after the consumer saw the first chunk.
    @Test func consumerGetsFirstChunkBeforeServerSendsTheRest() async throws {
        let gate = Gate()
        let first = Array("<s:Envelope><s:Body>".utf8)
        let rest = Array(repeating: UInt8(ascii: "y"), count: 100_000)
        try await TestHTTPServer.run(.gated(first: first, rest: rest, gate: gate)) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let consumer = RecordingConsumer(onFirstChunk: { gate.open() })
                // If the transport buffered the whole body, this would end in a request timeout instead.
                let head = try await connection.post([], headers: [], timeout: .seconds(20), consumer: consumer)
                #expect(head.status == 200)
                #expect(consumer.body == first + rest)
                #expect(consumer.chunkCount >= 2)
                #expect(!consumer.isOutOfOrder)
            }
        }
    }

    /// An interim 100 response is not the head; the consumer sees only the final one.
    @Test func interimResponseIsNotTheHead() async throws {
        try await TestHTTPServer.run(.continueThenEcho) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let consumer = RecordingConsumer()
                let head = try await connection.post(Array("x".utf8), headers: [], timeout: .seconds(20), consumer: consumer)
                #expect(head.status == 200)
                #expect(head["X-Final"] == "yes")
                #expect(head.values(of: "content-length") == ["1"])
                #expect(consumer.head == head && !consumer.isOutOfOrder)
                #expect(consumer.body == Array("x".utf8))
            }
        }
    }

    @Test func serverErrorStatusIsReturnedWithItsBody() async throws {
        let fault = Array("<s:Envelope><s:Body><s:Fault/></s:Body></s:Envelope>".utf8)
        let behaviour = TestHTTPServer.Behaviour.fixed(
            status: 500, headers: [("Content-Type", "application/soap+xml;charset=UTF-8")], body: fault)
        try await TestHTTPServer.run(behaviour) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let consumer = RecordingConsumer()
                let head = try await connection.post([], headers: soapHeaders, consumer: consumer)
                #expect(head.status == 500)
                #expect(head.reason == "Internal Server Error")
                #expect(head["content-type"] == "application/soap+xml;charset=UTF-8")
                #expect(consumer.head == head)
                #expect(consumer.body == fault)
            }
        }
    }

    @Test func unauthorizedListsEveryOfferedScheme() async throws {
        let behaviour = TestHTTPServer.Behaviour.fixed(
            status: 401,
            headers: [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "Kerberos"),
                      ("WWW-Authenticate", "Basic realm=\"WSMAN\"")],
            body: [])
        try await TestHTTPServer.run(behaviour) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let response = try await connection.post([], headers: [])
                #expect(response.head.status == 401)
                #expect(response.head.offeredAuthSchemes == ["Negotiate", "Kerberos", "Basic realm=\"WSMAN\""])
                let error = TransportError.unauthorized(host: "srv1", offered: response.head.offeredAuthSchemes)
                #expect(error.phase == .authenticate)
                #expect(error.kind == .unauthorized)
                #expect(error.description.contains("Negotiate, Kerberos, Basic"))
                #expect(error.description.contains("--auth"))
            }
        }
    }

    @Test func consumerErrorAbortsTheTransferAndIsRethrown() async throws {
        struct Stop: Error {}
        final class Refusing: HTTPResponseConsumer {
            func didReceiveHead(_ head: HTTPResponseHead) {}
            func didReceive(_ chunk: UnsafeRawBufferPointer) throws { throw Stop() }
        }
        try await TestHTTPServer.run(.endless) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                await #expect(throws: Stop.self) {
                    _ = try await connection.post([], headers: [], consumer: Refusing())
                }
            }
        }
    }
}
