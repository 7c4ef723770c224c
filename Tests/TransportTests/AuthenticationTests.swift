import Testing
import Transport

@Suite struct AuthenticationTests {
    static let credential = Credential(username: "alice", secret: "S3cret!pass")
    /// base64("alice:S3cret!pass")
    static let expectedHeader = "Basic YWxpY2U6UzNjcmV0IXBhc3M="

    @Test func basicOverHTTPSSendsTheAuthorizationHeader() async throws {
        let certificates = try TestCertificates()
        try await TestHTTPServer.run(.echo, tls: certificates.serverContext) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.authentication = .basic(Self.credential)
                options.tls.caFile = try certificates.writeCAFile()
                let connection = try transport.connection(to: .local(server.port, tls: true, host: "localhost"), options: options)
                _ = try await connection.post([], headers: [])
                _ = try await connection.post([], headers: [])
                #expect(server.requests.map { $0.head.headers["Authorization"] } == [[Self.expectedHeader], [Self.expectedHeader]])
            }
        }
    }

    @Test func basicOverHTTPIsSentWhenUnencryptedIsAllowed() async throws {
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.authentication = .basic(Self.credential)
                options.allowsUnencrypted = true
                let connection = try transport.connection(to: .local(server.port), options: options)
                _ = try await connection.post([], headers: [])
                #expect(server.requests.first?.head.headers["Authorization"] == [Self.expectedHeader])
            }
        }
    }

    @Test func basicOverHTTPIsRefusedByDefault() async throws {
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.authentication = .basic(Self.credential)
                #expect {
                    _ = try transport.connection(to: .local(server.port), options: options)
                } throws: { error in
                    let error = try #require(error as? TransportError)
                    return error.kind == .unencryptedBasicRefused && error.phase == .authenticate
                        && error.description.contains("--allow-unencrypted")
                }
                #expect(server.acceptedConnections == 0)
            }
        }
    }

    @Test func credentialDescriptionRedactsTheSecret() {
        #expect(Self.credential.description == "Credential(user: alice, secret: ‹redacted›)")
        #expect("\(Self.credential)".contains("S3cret") == false)
        var options = ConnectionOptions()
        options.authentication = .basic(Self.credential)
        #expect("\(options)".contains("S3cret") == false)
        #expect(String(reflecting: options).contains("S3cret") == false)
        #expect(HTTPHeader("Authorization", Self.expectedHeader).description == "Authorization: ‹redacted›")
    }

    /// Neither logs at trace level nor error text carry the secret or its Basic encoding.
    @Test func secretNeverAppearsInLogsOrErrors() async throws {
        let log = CapturedLog()
        let certificates = try TestCertificates()
        var texts: [String] = []
        try await TestHTTPServer.run(.echo, tls: certificates.serverContext) { server in
            try await Transport.withTransport(logger: log.logger) { transport in
                var options = ConnectionOptions()
                options.authentication = .basic(Self.credential)
                options.tls.caFile = try certificates.writeCAFile()
                let good = try transport.connection(to: .local(server.port, tls: true, host: "localhost"), options: options)
                _ = try await good.post(Array("payload".utf8), headers: [])
                options.tls.caFile = nil  // untrusted: fails in TLS
                let untrusted = try transport.connection(to: .local(server.port, tls: true, host: "localhost"), options: options)
                if let error = await transportError({ _ = try await untrusted.post([], headers: []) }) {
                    texts.append(error.description)
                }
                let dead = try transport.connection(to: .local(try await deadPort(), tls: true), options: options)
                if let error = await transportError({ _ = try await dead.post([], headers: []) }) {
                    texts.append(error.description)
                }
                texts.append("\(options)")
            }
        }
        texts += log.allText
        #expect(log.allText.contains { $0.contains("request completed") && $0.contains("http.status=200") })
        #expect(log.allText.contains { $0.contains("http.request_bytes=7") })
        for text in texts {
            #expect(!text.contains("S3cret"), "\(text)")
            #expect(!text.contains("YWxpY2U6UzNjcmV0IXBhc3M="), "\(text)")
            #expect(!text.contains("payload"), "bodies are never logged: \(text)")
        }
    }
}
