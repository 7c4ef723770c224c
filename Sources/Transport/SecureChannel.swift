import Foundation
import Logging

/// Negotiate/Kerberos/NTLM over one ``HTTPConnection``: the token exchange (RFC 4559), then each request
/// sealed over HTTP (MS-WSMV 2.2.9.1) or sent in clear inside TLS with channel bindings.
///
/// The exchange uses empty POST bodies, as WinRM clients do before sealing. The server ties the context to
/// the TCP connection, so when libcurl had to open a new connection for a request (the server closed the old
/// one) and the answer is not a success, the channel authenticates again and resends once.
// @unchecked Sendable: `initiator` is read and written only inside `lock.withLock` (an AsyncLock), which
// serialises every request on the connection; everything else is immutable.
final class SecureChannel: @unchecked Sendable {
    let authentication: NegotiateAuthentication
    let endpoint: Endpoint
    private let lock = AsyncLock()
    private var initiator: GSSInitiator?
    /// Whether bodies are sealed: over plain HTTP unless sealing was turned off.
    let seals: Bool

    /// More legs than any mechanism needs (SPNEGO with NTLM takes three); a server asking for more is broken.
    private static let maxRounds = 8
    private static let soapType = "application/soap+xml;charset=UTF-8"

    init(authentication: NegotiateAuthentication, endpoint: Endpoint) {
        self.authentication = authentication
        self.endpoint = endpoint
        seals = !endpoint.usesTLS && authentication.sealsMessages
    }

    private var spn: String { authentication.spn(for: endpoint) }

    /// Authenticates if needed, then sends one request and hands the (unsealed) response to `consumer`.
    nonisolated(nonsending)
    func send(
        on connection: HTTPConnection, body: [UInt8], headers: [HTTPHeader], timeout: Duration,
        consumer: some HTTPResponseConsumer
    ) async throws -> HTTPResponseHead {
        try await lock.withLock {
            var attempt = 0
            while true {
                attempt += 1
                let initiator = try await establishedInitiator(on: connection, timeout: timeout)
                let before = connection.statistics.connectionsOpened
                let outcome = seals
                    ? try await sendSealed(on: connection, initiator: initiator, body: body, headers: headers, timeout: timeout)
                    : try await sendClear(on: connection, body: body, headers: headers, timeout: timeout)
                let reconnected = connection.statistics.connectionsOpened > before
                let status = outcome.head.status
                let isAnswer = status == 200 || outcome.isSealed || outcome.head.isSOAP
                if status == 401 || (reconnected && !isAnswer) {
                    // The context is gone with the old connection (or the server dropped it): start over once.
                    self.initiator = nil
                    if attempt == 1 {
                        connection.logger.debug(
                            "re-authenticating", metadata: ["reason": "\(reconnected ? "reconnected" : "HTTP 401")"])
                        continue
                    }
                }
                if !seals, !endpoint.usesTLS, outcome.head.status >= 400, !outcome.head.isSOAP, !body.isEmpty {
                    throw TransportError(
                        host: endpoint.host, phase: .send, kind: .encryptionRequired,
                        detail: "the server refused an unsealed message (HTTP \(outcome.head.status))",
                        hint: "The server requires message encryption (AllowUnencrypted=false); drop --no-seal (or "
                            + "--allow-unencrypted for Negotiate), or use HTTPS")
                }
                try outcome.deliver(to: consumer)
                return outcome.head
            }
        }
    }

    /// A response held back until we know it is the one to hand over (not a stale-context retry).
    private struct Outcome {
        var head: HTTPResponseHead
        var body: [UInt8]
        var isSealed: Bool

        func deliver(to consumer: some HTTPResponseConsumer) throws {
            try consumer.didReceiveHead(head)
            if !body.isEmpty { try body.withUnsafeBytes { try consumer.didReceive($0) } }
        }
    }

    // MARK: - Authentication exchange

    /// The established context, after running the exchange when there is none.
    nonisolated(nonsending)
    private func establishedInitiator(on connection: HTTPConnection, timeout: Duration) async throws -> GSSInitiator {
        if let initiator, initiator.isComplete { return initiator }
        let bindings = try await channelBindings(on: connection, timeout: timeout)
        // Both may wait on the KDC: off the cooperative pool.
        let (authentication, endpoint, spn) = (authentication, endpoint, spn)
        let (initiator, firstToken) = try await GSSThread.run { () throws(TransportError) in
            do throws(GSSFailure) {
                let initiator = try GSSInitiator(authentication: authentication, endpoint: endpoint, channelBindings: bindings)
                return (initiator, try initiator.step(nil))
            } catch {
                throw TransportError.gss(error, host: endpoint.host, spn: spn, mechanism: authentication.mechanism)
            }
        }
        var token = firstToken
        var offered: [String] = []
        for round in 1...Self.maxRounds {
            let before = connection.statistics.connectionsOpened
            let header = HTTPHeader("Authorization", "\(authentication.httpScheme) \(Data(token).base64EncodedString())")
            let response = try await connection.transmit(
                [], headers: [HTTPHeader("Content-Type", Self.soapType), header], timeout: timeout)
            if round > 1, connection.statistics.connectionsOpened > before {
                throw TransportError(
                    host: endpoint.host, phase: .authenticate, kind: .securityContext,
                    detail: "the server closed the connection in the middle of the \(authentication.httpScheme) exchange",
                    hint: "A proxy or load balancer that does not keep connections open breaks connection-bound "
                        + "authentication; connect to the host directly")
            }
            offered = response.head.offeredAuthSchemes
            let serverToken = Self.token(in: response.head, scheme: authentication.httpScheme)
            if response.head.status != 401 {
                if !initiator.isComplete {
                    guard let serverToken else { throw rejected(status: response.head.status, offered: offered) }
                    _ = try step(initiator, serverToken)
                }
                guard initiator.isComplete else { throw rejected(status: response.head.status, offered: offered) }
                connection.logger.debug("authenticated", metadata: ["auth.mechanism": "\(authentication.mechanism.rawValue)", "auth.rounds": "\(round)"])
                self.initiator = initiator
                return initiator
            }
            guard let serverToken, !initiator.isComplete else { throw rejected(status: 401, offered: offered) }
            token = try step(initiator, serverToken)
        }
        throw TransportError(
            host: endpoint.host, phase: .authenticate, kind: .securityContext,
            detail: "the \(authentication.httpScheme) exchange did not finish in \(Self.maxRounds) rounds",
            hint: "The server keeps asking for more tokens; check what is listening on port \(endpoint.port)")
    }

    private func step(_ initiator: GSSInitiator, _ token: [UInt8]?) throws(TransportError) -> [UInt8] {
        do {
            return try initiator.step(token)
        } catch {
            throw TransportError.gss(error, host: endpoint.host, spn: spn, mechanism: authentication.mechanism)
        }
    }

    /// The error for a server that refused our token (401 without a continuation token).
    private func rejected(status: Int, offered: [String]) -> TransportError {
        let schemes = offered.map { $0.split(separator: " ", maxSplits: 1).first.map { $0.lowercased() } ?? "" }
        if authentication.mechanism == .ntlm, !offered.isEmpty, !schemes.contains("negotiate"), !schemes.contains("ntlm") {
            return TransportError(
                host: endpoint.host, phase: .authenticate, kind: .ntlmDisabled,
                detail: "the server does not offer NTLM (it offers \(offered.joined(separator: ", ")))",
                hint: "NTLM is disabled on the target; use --auth kerberos with the host's FQDN", offeredAuthSchemes: offered)
        }
        if !offered.isEmpty, !schemes.contains(authentication.httpScheme.lowercased()) {
            return TransportError(
                host: endpoint.host, phase: .authenticate, kind: .unauthorized,
                detail: "the server does not offer \(authentication.httpScheme) (it offers \(offered.joined(separator: ", ")))",
                hint: "Pick an offered scheme with --auth", offeredAuthSchemes: offered)
        }
        let what = authentication.mechanism == .ntlm
            ? "the server refused the NTLM credentials"
            : "the server refused the \(authentication.httpScheme) token"
        var hint = "Check the credentials and that the account may use WinRM on the target"
        if endpoint.usesTLS, authentication.sendsChannelBindings {
            hint += "; a TLS-intercepting proxy makes the channel bindings mismatch"
        }
        if authentication.mechanism == .ntlm || authentication.mechanism == .negotiate {
            hint += "; the target may also have NTLM disabled"
        }
        return TransportError(
            host: endpoint.host, phase: .authenticate, kind: .credentialsRejected,
            detail: "\(what) (HTTP \(status))", hint: hint, offeredAuthSchemes: offered)
    }

    /// Over HTTPS with channel bindings: the server certificate, learnt from an unauthenticated request on
    /// the connection (libcurl reports the certificate only after a handshake).
    nonisolated(nonsending)
    private func channelBindings(on connection: HTTPConnection, timeout: Duration) async throws -> [UInt8]? {
        guard endpoint.usesTLS, authentication.sendsChannelBindings else { return nil }
        _ = try await connection.transmit([], headers: [HTTPHeader("Content-Type", Self.soapType)], timeout: timeout)
        guard let certificate = connection.serverCertificate else {
            throw TransportError(
                host: endpoint.host, phase: .tls, kind: .securityContext,
                detail: "libcurl reported no server certificate, which channel bindings need",
                hint: "This libcurl lacks CURLINFO_CERTINFO (it needs OpenSSL)")
        }
        return certificate.channelBindingData
    }

    /// The base64 token in the `WWW-Authenticate: <scheme> <token>` field, if any.
    private static func token(in head: HTTPResponseHead, scheme: String) -> [UInt8]? {
        for value in head.values(of: "WWW-Authenticate") {
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == scheme.lowercased(),
                let data = Data(base64Encoded: String(parts[1]).trimmingWhitespace())
            else { continue }
            return Array(data)
        }
        return nil
    }

    // MARK: - Requests

    nonisolated(nonsending)
    private func sendClear(on connection: HTTPConnection, body: [UInt8], headers: [HTTPHeader], timeout: Duration)
        async throws -> Outcome
    {
        let response = try await connection.transmit(body, headers: headers, timeout: timeout)
        return Outcome(head: response.head, body: response.body, isSealed: false)
    }

    nonisolated(nonsending)
    private func sendSealed(
        on connection: HTTPConnection, initiator: GSSInitiator, body: [UInt8], headers: [HTTPHeader], timeout: Duration
    ) async throws -> Outcome {
        let originalType = headers.last { $0.name.lowercased() == "content-type" }?.value ?? Self.soapType
        let sealed: (header: [UInt8], data: [UInt8])
        do {
            sealed = try initiator.wrap(body)
        } catch {
            throw TransportError(
                host: endpoint.host, phase: .send, kind: .sealing, detail: "\(error.call) failed: \(error.message)",
                hint: "The security context cannot seal; try --auth kerberos, or HTTPS")
        }
        let payload = SealedMessage.encode(
            protocol: authentication.sealedProtocol, originalType: originalType, plainLength: body.count,
            signature: sealed.header, sealed: sealed.data)
        let sealedHeaders = headers.filter { $0.name.lowercased() != "content-type" }
            + [HTTPHeader("Content-Type", SealedMessage.contentType(protocol: authentication.sealedProtocol))]
        let response = try await connection.transmit(payload, headers: sealedHeaders, timeout: timeout)
        guard response.head["Content-Type"]?.lowercased().hasPrefix("multipart/encrypted") == true else {
            return Outcome(head: response.head, body: response.body, isSealed: false)
        }
        let plain = try unseal(response.body, initiator: initiator)
        var head = response.head
        head.headers = head.headers.filter {
            let name = $0.name.lowercased()
            return name != "content-type" && name != "content-length"
        } + [HTTPHeader("Content-Type", plain.type), HTTPHeader("Content-Length", "\(plain.body.count)")]
        return Outcome(head: head, body: plain.body, isSealed: true)
    }

    private func unseal(_ body: [UInt8], initiator: GSSInitiator) throws(TransportError) -> (type: String, body: [UInt8]) {
        let parts: SealedMessage.Parts
        do {
            parts = try SealedMessage.decode(body)
        } catch {
            throw TransportError(
                host: endpoint.host, phase: .receive, kind: .sealing, detail: "malformed sealed response: \(error.detail)",
                hint: "The server sent a multipart/encrypted body cimsweep cannot read; check what is listening")
        }
        let plain: [UInt8]
        do {
            plain = try initiator.unwrap(header: parts.signature, data: parts.sealed)
        } catch {
            throw TransportError(
                host: endpoint.host, phase: .receive, kind: .sealing, detail: "\(error.call) failed: \(error.message)",
                hint: "The sealed response does not verify: corrupted, or the security context is out of step")
        }
        guard plain.count == parts.plainLength else {
            throw TransportError(
                host: endpoint.host, phase: .receive, kind: .sealing,
                detail: "the sealed response announced \(parts.plainLength) bytes but held \(plain.count)",
                hint: "The server's message is inconsistent; retry, and check the server's event log")
        }
        return (parts.originalType, plain)
    }
}

extension HTTPResponseHead {
    /// Whether the body is a SOAP message (a WS-Man answer or fault), not a plain error page.
    var isSOAP: Bool { self["Content-Type"]?.lowercased().contains("soap+xml") == true }
}
