import Transport
import WSMan

/// Why a `CimSession` operation failed, with the host and the operation, and what to do about it.
public struct CimSessionError: Error, Sendable, CustomStringConvertible {
    /// The WS-Man operation that failed.
    public enum Operation: String, Sendable {
        case identify, get, enumerate, pull, release
    }

    /// What went wrong; match on it in a `catch`.
    public enum Reason: Sendable {
        /// The request never got an HTTP response (DNS, connect, TLS, timeout, size cap).
        case transport(TransportError)
        /// HTTP 401: the credentials were refused; the schemes the host offered.
        case unauthorized(offered: [String])
        /// The host answered with a SOAP fault.
        case fault(WSManFault)
        /// The enumeration context expired or vanished between Pulls.
        case enumerationContextExpired(WSManFault)
        /// The body was not a usable WS-Man response.
        case malformedResponse(WSManParseError)
        /// An HTTP status WS-Man does not use for answers, or an empty 500.
        case unexpectedHTTPStatus(Int, detail: String)
        /// The server broke the WS-Enumeration protocol.
        case protocolViolation(String)
    }

    public let host: String
    public let operation: Operation
    public let reason: Reason

    public init(host: String, operation: Operation, reason: Reason) {
        self.host = host
        self.operation = operation
        self.reason = reason
    }

    /// The WS-Man fault, when the host sent one.
    public var fault: WSManFault? {
        switch reason {
        case .fault(let fault), .enumerationContextExpired(let fault): fault
        default: nil
        }
    }

    /// Whether trying again later may succeed: connect/timeout/reset failures, 5xx without a
    /// permanent fault, quota and timeout faults. Auth failures and invalid classes are permanent.
    public var isTransient: Bool {
        switch reason {
        case .transport(let error):
            error.kind != .unencryptedBasicRefused && error.kind != .invalidEndpoint && error.kind != .invalidOption
                && error.phase != .tls && error.phase != .configure
        case .fault(let fault): fault.isTransient
        case .enumerationContextExpired: true
        case .unexpectedHTTPStatus(let status, _): status >= 500
        case .malformedResponse: true
        case .unauthorized, .protocolViolation: false
        }
    }

    public var description: String {
        let prefix = "\(host): \(operation.rawValue) failed: "
        switch reason {
        case .transport(let error):
            return "\(error)"
        case .unauthorized(let offered):
            let schemes = offered.isEmpty ? "none" : offered.joined(separator: ", ")
            return prefix + "HTTP 401, credentials refused (the host offers: \(schemes)). "
                + "Check CIMSWEEP_USERNAME/CIMSWEEP_PASSWORD or --credential-file, that the account may use WinRM, "
                + "and that --auth matches a scheme the host offers"
        case .fault(let fault):
            return prefix + "\(fault)"
        case .enumerationContextExpired(let fault):
            return prefix + "the enumeration context expired between Pulls (\(fault)); the enumeration was restarted "
                + "too late or the host's EnumerationTimeoutms is short"
        case .malformedResponse(let error):
            return prefix + "the response is not valid WS-Management XML: \(error)"
        case .unexpectedHTTPStatus(let status, let detail):
            return prefix + "HTTP \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        case .protocolViolation(let what):
            return prefix + what
        }
    }
}
