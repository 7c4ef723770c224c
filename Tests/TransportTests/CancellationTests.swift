import Testing
import Transport

@Suite struct CancellationTests {
    /// Cancelling a request the server never answers ends it at once (the request timeout is far away).
    @Test func cancellingAHangingRequestReturnsPromptly() async throws {
        try await TestHTTPServer.run(.neverAnswer) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let task = Task { try await connection.post([], headers: [], timeout: .seconds(600)) }
                for await _ in server.arrivals { break }
                #expect(transport.statistics.transfersInFlight == 1)
                task.cancel()
                await #expect(throws: CancellationError.self) { _ = try await task.value }
                #expect(transport.statistics.transfersInFlight == 0)
            }
        }
    }

    /// A request cancelled mid-body leaves the connection usable; the next request opens a fresh TCP connection.
    @Test func connectionIsUsableAfterCancellationMidBody() async throws {
        let gate = Gate()
        let first = Array("first".utf8)
        let rest = Array("rest".utf8)
        try await TestHTTPServer.run(.gated(first: first, rest: rest, gate: gate)) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let (firstChunk, firstChunkSeen) = AsyncStream<Void>.makeStream()
                let task = Task {
                    let consumer = RecordingConsumer(onFirstChunk: { firstChunkSeen.yield() })
                    return try await connection.post([], headers: [], consumer: consumer)
                }
                for await _ in firstChunk { break }
                task.cancel()
                await #expect(throws: CancellationError.self) { _ = try await task.value }
                gate.open()
                let response = try await connection.post([], headers: [])
                #expect(response.head.status == 200)
                #expect(response.body == first + rest)
                #expect(connection.statistics.connectionsOpened == 2)
                #expect(server.acceptedConnections == 2)
            }
        }
    }

    /// Cancelling a request queued behind another on the same connection leaves the running one alone.
    @Test func cancellingAQueuedRequestLeavesTheRunningOneAlone() async throws {
        let gate = Gate()
        try await TestHTTPServer.run(.held(gate: gate)) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let running = Task { try await connection.post(Array("running".utf8), headers: []) }
                for await _ in server.arrivals { break }
                let queued = Task { try await connection.post(Array("queued".utf8), headers: []) }
                queued.cancel()
                await #expect(throws: CancellationError.self) { _ = try await queued.value }
                gate.open()
                #expect(try await running.value.body == Array("running".utf8))
                #expect(try await connection.post(Array("next".utf8), headers: []).body == Array("next".utf8))
                #expect(server.requests.map { String(decoding: $0.body, as: UTF8.self) } == ["running", "next"])
                #expect(transport.statistics.transfersQueued == 0)
            }
        }
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        try await TestHTTPServer.run(.echo) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let task = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await connection.post([], headers: [])
                }
                await #expect(throws: CancellationError.self) { _ = try await task.value }
                #expect(connection.statistics.requestsSent == 0)
            }
        }
    }

    /// Leaving `withTransport` fails what is still running instead of hanging.
    @Test func shutdownFailsRunningRequests() async throws {
        try await TestHTTPServer.run(.neverAnswer) { server in
            let request = try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connection = try transport.connection(to: .local(server.port))
                let request = Task { try await connection.post([], headers: [], timeout: .seconds(600)) }
                for await _ in server.arrivals { break }
                return request
            }
            let error = await request.result.failure as? TransportError
            #expect(error?.kind == .shutDown)
        }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
