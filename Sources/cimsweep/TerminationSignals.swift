import Dispatch
import Foundation

/// SIGINT and SIGTERM as an async stream, read through DispatchSource so no work happens inside a
/// signal handler. Keep the value alive while waiting; `cancel()` restores nothing (the process is
/// ending) but stops delivery.
struct TerminationSignals {
    let stream: AsyncStream<String>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        self.stream = stream
        sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            return source
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
