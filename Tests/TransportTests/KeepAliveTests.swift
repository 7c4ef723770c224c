import Logging
import Testing
import Transport

@Suite struct KeepAliveTests {
    @Test func requestsOnOneConnectionReuseOneTCPConnection() async throws {
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                for index in 0..<20 {
                    let body = Array("request \(index)".utf8)
                    let response = try await connection.post(body, headers: soapHeaders)
                    #expect(response.head.status == 200)
                    #expect(response.body == body)
                }
                #expect(server.acceptedConnections == 1)
                #expect(connection.statistics == .init(requestsSent: 20, connectionsOpened: 1))
            }
        }
    }

    @Test func concurrentPostsOnOneConnectionRunOneAtATime() async throws {
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let bodies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                    for index in 0..<10 {
                        group.addTask { try await connection.post(Array("r\(index)".utf8), headers: []).body }
                    }
                    return try await group.reduce(into: []) { $0.append(String(decoding: $1, as: UTF8.self)) }
                }
                #expect(Set(bodies) == Set((0..<10).map { "r\($0)" }))
                #expect(server.acceptedConnections == 1, "serial requests share the one TCP connection")
                #expect(connection.statistics.connectionsOpened == 1)
            }
        }
    }

    @Test func requestHeadersAndBodyReachTheServer() async throws {
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.headers = [HTTPHeader("X-Extra", "1")]
                let connection = try transport.connection(to: .local(server.port), options: options)
                _ = try await connection.post(Array("<s:Envelope/>".utf8), headers: soapHeaders)
                let request = try #require(server.requests.first)
                #expect(request.head.method == .POST)
                #expect(request.head.uri == "/wsman")
                #expect(request.head.headers["Content-Type"] == ["application/soap+xml;charset=UTF-8"])
                #expect(request.head.headers["X-Extra"] == ["1"])
                #expect(request.head.headers["User-Agent"] == ["Microsoft WinRM Client"])
                #expect(request.head.headers["Expect"].isEmpty)
                #expect(request.body == Array("<s:Envelope/>".utf8))
            }
        }
    }

    @Test func extremeTimeoutsAreClampedNotFatal() async throws {
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                var options = ConnectionOptions()
                options.timeouts.connect = .seconds(Int64.max)
                let connection = try transport.connection(to: .local(server.port), options: options)
                let response = try await connection.post([1], headers: [], timeout: .seconds(Int64.max))
                #expect(response.body == [1])
            }
        }
    }

    @Test func malformedHeaderIsRefusedBeforeSending() async throws {
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let error = await transportError {
                    _ = try await connection.post([], headers: [HTTPHeader("X-Bad", "a\r\nInjected: yes")])
                }
                #expect(error?.kind == .invalidOption)
                #expect(server.requests.isEmpty)
            }
        }
    }
}
