import Testing
import Transport

@Suite struct ProxyTests {
    /// With a proxy, the request goes to the proxy in absolute form (RFC 9112 §3.2.2).
    @Test func explicitProxyCarriesTheRequest() async throws {
        let target = try await deadPort()
        try await TestHTTPServer.run(.echo) { proxy in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.proxy.url = "http://127.0.0.1:\(proxy.port)"
                let connection = try transport.connection(to: .local(target), options: options)
                let response = try await connection.post(Array("via proxy".utf8), headers: [])
                #expect(response.head.status == 200)
                #expect(proxy.requests.first?.head.uri == "http://127.0.0.1:\(target)/wsman")
            }
        }
    }

    @Test func noProxyHostsBypassTheProxy() async throws {
        let deadProxy = try await deadPort()
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.proxy.url = "http://127.0.0.1:\(deadProxy)"
                options.proxy.noProxy = "127.0.0.1"
                let connection = try transport.connection(to: .local(server.port), options: options)
                let response = try await connection.post(Array("direct".utf8), headers: [])
                #expect(response.body == Array("direct".utf8))
                #expect(server.requests.first?.head.uri == "/wsman")
            }
        }
    }
}
