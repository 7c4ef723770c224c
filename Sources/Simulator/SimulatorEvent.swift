import NIOCore

/// What a simulated host saw and did for one request, so tests can wait on events instead of time.
public struct SimulatorEvent: Sendable, Hashable {
    /// The operation a request asked for.
    public enum Operation: String, Sendable, Hashable {
        case identify, get, enumerate, pull, release, unknown
    }

    /// How the host answered.
    public enum Outcome: Sendable, Hashable {
        case ok
        case fault(subcode: String)
        case unauthorized
        case badRequest
        /// An injected transport fault (hang, reset, truncate, malformed, http500).
        case injected(FaultPlan.Kind)
    }

    /// Position of the host in ``SimulatedFleet/hosts``.
    public var hostIndex: Int
    public var hostname: String
    public var operation: Operation
    public var resourceURI: String?
    public var outcome: Outcome
}

/// What the HTTP layer should send back for one request.
struct SimulatorReply: Sendable {
    enum Behaviour: Sendable { case normal, hang, resetMidBody }

    var status: Int
    var headers: [(String, String)] = []
    /// Built where the envelope is assembled and written to the socket as is (no copy in between).
    var body = ByteBuffer()
    var delay: Duration = .zero
    var behaviour: Behaviour = .normal

    static let soapContentType = ("Content-Type", "application/soap+xml;charset=UTF-8")
}
