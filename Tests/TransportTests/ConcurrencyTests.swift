import Glibc
import Synchronization
import Testing
import Transport

@Suite struct ConcurrencyTests {
    /// 300 connections with a request each are all in flight at once, driven by one loop thread.
    @Test func manyConnectionsRunConcurrentlyOnOneLoopThread() async throws {
        let count = 300
        let gate = Gate()
        try await TestHTTPServer.run(.held(gate: gate)) { server in
            try await Transport.withTransport(logger: CapturedLog().logger) { transport in
                let connections = try (0..<count).map { _ in try transport.connection(to: .local(server.port)) }
                let threads = ThreadRecorder()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, connection) in connections.enumerated() {
                        group.addTask {
                            let consumer = RecordingConsumer()
                            let body = Array("host \(index)".utf8)
                            let head = try await connection.post(body, headers: [], consumer: consumer)
                            #expect(head.status == 200)
                            #expect(consumer.body == body)
                            threads.record(consumer.threads)
                        }
                    }
                    // Every request has reached the server, and none is answered yet: all are in flight.
                    var arrived = 0
                    for await _ in server.arrivals {
                        arrived += 1
                        if arrived == count { break }
                    }
                    #expect(transport.statistics.transfersInFlight == count)
                    #expect(server.acceptedConnections == count)
                    gate.open()
                    try await group.waitForAll()
                }
                #expect(threads.count == 1, "every callback ran on the one loop thread")
                #expect(transport.statistics.transfersInFlight == 0)
                #expect(transport.statistics.openConnections == count)
            }
        }
    }
}

/// The threads consumer callbacks ran on, gathered from many tasks.
final class ThreadRecorder: Sendable {
    private let threads = Mutex<Set<pthread_t>>([])

    func record(_ more: Set<pthread_t>) {
        threads.withLock { $0.formUnion(more) }
    }

    var count: Int { threads.withLock { $0.count } }
}
