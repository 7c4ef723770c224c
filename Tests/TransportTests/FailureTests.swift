import Testing
import Transport

@Suite struct FailureTests {
    @Test func refusedConnectionIsAConnectErrorWithAHint() async throws {
        let port = try await deadPort()
        try await Transport.withTransport(logger: CapturedLog().logger) { transport in
            let connection = try transport.connection(to: .local(port))
            let error = await transportError { _ = try await connection.post([], headers: []) }
            #expect(error?.phase == .connect)
            #expect(error?.curlCode == 7)  // CURLE_COULDNT_CONNECT
            #expect(error?.description.contains("Is WinRM listening on port \(port)?") == true)
        }
    }

    /// `.invalid` never resolves (RFC 6761); here the resolver answers at once without network.
    @Test func unresolvableNameIsAResolveError() async throws {
        try await Transport.withTransport(logger: CapturedLog().logger) { transport in
            let connection = try transport.connection(to: Endpoint(host: "no-such-host.invalid"))
            let error = await transportError { _ = try await connection.post([], headers: []) }
            #expect(error?.phase == .resolve)
            #expect(error?.host == "no-such-host.invalid")
            #expect(error?.description.contains("Check the name") == true)
        }
    }

    /// A TLS handshake that never completes counts against the connect timeout.
    @Test func silentServerHitsTheConnectTimeout() async throws {
        try await TestHTTPServer.run(.silentTCP) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.timeouts.connect = .milliseconds(200)
                let connection = try transport.connection(to: .local(server.port, tls: true), options: options)
                let error = await transportError { _ = try await connection.post([], headers: []) }
                #expect(error?.phase == .timeout)
                #expect(error?.kind == .connectTimeout)
                #expect(error?.description.contains("connect timeout") == true)
            }
        }
    }

    @Test func unansweredRequestHitsTheRequestTimeout() async throws {
        try await TestHTTPServer.run(.neverAnswer) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let error = await transportError {
                    _ = try await connection.post([], headers: [], timeout: .milliseconds(200))
                }
                #expect(error?.phase == .timeout)
                #expect(error?.kind == .requestTimeout)
                #expect(error?.description.contains("--operation-timeout") == true)
            }
        }
    }

    @Test func endlessBodyIsCutAtTheSizeCap() async throws {
        try await TestHTTPServer.run(.endless) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.maxResponseBytes = 1 << 20
                let connection = try transport.connection(to: .local(server.port), options: options)
                let consumer = RecordingConsumer()
                let error = await transportError { _ = try await connection.post([], headers: [], consumer: consumer) }
                #expect(error?.kind == .responseTooLarge)
                #expect(error?.phase == .receive)
                #expect(error?.description.contains("maxResponseBytes") == true)
                #expect(consumer.body.count <= 1 << 20, "nothing past the cap reaches the consumer")
                #expect(consumer.body.count > 0)
            }
        }
    }

    @Test func announcedLengthOverTheCapAbortsBeforeTheBody() async throws {
        let body = [UInt8](repeating: 0x41, count: 4096)
        try await TestHTTPServer.run(.fixed(status: 200, headers: [], body: body)) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.maxResponseBytes = 1024
                let connection = try transport.connection(to: .local(server.port), options: options)
                let consumer = RecordingConsumer()
                let error = await transportError { _ = try await connection.post([], headers: [], consumer: consumer) }
                #expect(error?.kind == .responseTooLarge)
                #expect(consumer.head == nil && consumer.body.isEmpty)
            }
        }
    }

    @Test func resetMidBodyIsAReceiveError() async throws {
        let behaviour = TestHTTPServer.Behaviour.resetMidBody(announced: 100_000, sent: Array(repeating: 0x42, count: 1000))
        try await TestHTTPServer.run(behaviour) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let error = await transportError { _ = try await connection.post([], headers: []) }
                #expect(error?.phase == .receive)
            }
        }
    }

    @Test func invalidHostIsRefusedBeforeAnyIO() async throws {
        try await Transport.withTransport(logger: CapturedLog().logger) { transport in
            for host in ["user@evil", "a/b", "", "host name", "x\r\ny"] {
                #expect(throws: TransportError.self) { _ = try transport.connection(to: Endpoint(host: host)) }
            }
            #expect(throws: TransportError.self) { _ = try transport.connection(to: Endpoint(host: "h", port: 0)) }
        }
    }
}
