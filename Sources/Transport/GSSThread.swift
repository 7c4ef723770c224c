import Foundation

/// Runs GSSAPI calls that may wait on a KDC on a thread of their own.
///
/// Acquiring a credential (a password's AS exchange) and the first context step (the service ticket) are
/// blocking KDC round trips: milliseconds on a LAN, 25 s when the KDC accepts the connection and never
/// answers (MIT's retries). On Swift's cooperative pool, which has one thread per core, a few such calls
/// would stall every other host of a sweep; a thread per call costs little next to a KDC round trip.
enum GSSThread {
    static func run<Value>(_ work: @escaping @Sendable () throws(TransportError) -> sending Value) async throws(TransportError)
        -> sending Value
    {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, TransportError>, Never>) in
            Thread {
                continuation.resume(returning: Result { () throws(TransportError) in try work() })
            }.start()
        }
        return try result.get()
    }
}
