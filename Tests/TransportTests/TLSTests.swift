import Testing
import Transport

@Suite struct TLSTests {
    let certificates: TestCertificates

    init() throws {
        certificates = try TestCertificates()
    }

    private func post(host: String = "localhost", _ configure: (inout ConnectionOptions.TLSOptions) throws -> Void)
        async throws -> Result<Int, TransportError>
    {
        try await TestHTTPServer.run(.echo, tls: certificates.serverContext) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                try configure(&options.tls)
                let connection = try transport.connection(to: .local(server.port, tls: true, host: host), options: options)
                do {
                    return .success(try await connection.post([], headers: []).head.status)
                } catch let error as TransportError {
                    return .failure(error)
                }
            }
        }
    }

    @Test func untrustedCAFailsInTLSWithAHint() async throws {
        let result = try await post { _ in }
        guard case .failure(let error) = result else { Issue.record("expected a TLS failure"); return }
        #expect(error.phase == .tls)
        #expect(error.curlCode == 60)  // CURLE_PEER_FAILED_VERIFICATION
        #expect(error.description.contains("--ca-file"))
        #expect(error.description.contains("--skip-ca-check"))
    }

    @Test func caFileMakesVerificationPass() async throws {
        let caFile = try certificates.writeCAFile()
        #expect(try await post { $0.caFile = caFile }.get() == 200)
    }

    @Test func skippingPeerVerificationPasses() async throws {
        #expect(try await post { $0.verifiesPeer = false }.get() == 200)
    }

    @Test func nameNotInCertificateFailsUnlessHostCheckIsOff() async throws {
        let caFile = try certificates.writeCAFile()
        let strict = try await post(host: "127.0.0.1") { $0.caFile = caFile }
        guard case .failure(let error) = strict else { Issue.record("expected a name mismatch"); return }
        #expect(error.phase == .tls)
        #expect(error.description.contains("--skip-cn-check"))
        let lenient = try await post(host: "127.0.0.1") {
            $0.caFile = caFile
            $0.verifiesHost = false
        }
        #expect(try lenient.get() == 200)
    }

    @Test func missingCAFileFailsInTLS() async throws {
        let result = try await post { $0.caFile = "/nonexistent/ca.pem" }
        guard case .failure(let error) = result else { Issue.record("expected a TLS failure"); return }
        #expect(error.phase == .tls)
    }
}
