import CIM
import Transport
import WSMan

/// Why one host × class was not collected: a short kind for machines (stored as the observation's
/// `error_kind`, counted in summaries) and the full, secret-free error text for people.
public struct CollectionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// `dns`, `connect`, `tls`, `timeout`, `connection`, `auth`, `quota`, `fault`, `context-expired`,
    /// `malformed`, `http-status`, `protocol`, `config`, `deadline`, `host-deadline`, `stopped`, `not-tried`.
    public var kind: String
    public var detail: String
    /// Whether trying again may help.
    public var isTransient: Bool
    /// Whether the whole host is unusable (unreachable, or every credential refused): its other
    /// classes are recorded with this failure instead of being tried.
    public var affectsWholeHost: Bool

    public init(kind: String, detail: String, isTransient: Bool = false, affectsWholeHost: Bool = false) {
        self.kind = kind
        self.detail = detail
        self.isTransient = isTransient
        self.affectsWholeHost = affectsWholeHost
    }

    public var description: String { "\(kind): \(detail)" }

    /// Classifies a session error.
    public init(_ error: CimSessionError) {
        let detail = "\(error)"
        switch error.reason {
        case .transport(let transport):
            let kind: String
            switch transport.phase {
            case .resolve: kind = "dns"
            case .connect: kind = "connect"
            case .tls: kind = "tls"
            case .timeout: kind = "timeout"
            case .configure: kind = "config"
            case .authenticate: kind = "auth"
            case .send, .receive: kind = "connection"
            }
            let unreachable = [.resolve, .connect, .tls, .configure, .authenticate].contains(transport.phase)
            self.init(kind: kind, detail: detail, isTransient: error.isTransient, affectsWholeHost: unreachable)
        case .unauthorized:
            self.init(kind: "auth", detail: detail, affectsWholeHost: true)
        case .fault(let fault):
            let quota = fault.code.map { WSManFault.Code.quotaCodes.contains($0) } ?? (fault.subcode?.localName == "QuotaLimit")
            self.init(kind: quota ? "quota" : "fault", detail: detail, isTransient: error.isTransient)
        case .enumerationContextExpired:
            self.init(kind: "context-expired", detail: detail, isTransient: true)
        case .malformedResponse:
            self.init(kind: "malformed", detail: detail, isTransient: error.isTransient)
        case .unexpectedHTTPStatus:
            self.init(kind: "http-status", detail: detail, isTransient: error.isTransient)
        case .protocolViolation:
            self.init(kind: "protocol", detail: detail)
        }
    }

    /// Why the sweep stopped before this host × class was done.
    static func stopped(_ reason: SweepStop.Reason) -> CollectionFailure {
        switch reason {
        case .deadline(let limit):
            CollectionFailure(kind: "deadline", detail: "the sweep's deadline (\(DurationText.format(limit))) passed first")
        case .signal(let name):
            CollectionFailure(kind: "stopped", detail: "the sweep was stopped by \(name) first")
        case .cancelled:
            CollectionFailure(kind: "stopped", detail: "the sweep was cancelled first")
        }
    }

    static func hostDeadline(_ limit: Duration) -> CollectionFailure {
        CollectionFailure(kind: "host-deadline", detail: "the host's deadline (\(DurationText.format(limit))) passed first")
    }
}
