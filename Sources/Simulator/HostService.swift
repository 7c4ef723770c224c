import CIMModel
import Foundation
import NIOCore
import Synchronization

/// One simulated Windows host's WS-Management service: authentication, the operations, enumeration
/// contexts, quotas and injected faults. Thread-safe: all state sits behind `runtime`'s mutex, and
/// nothing blocks while holding it (delays are applied by the HTTP layer afterwards).
final class HostService: Sendable {
    struct Settings: Sendable {
        var credentials: SimulatorCredentials?
        var fault: FaultPlan.Kind?
        var slowDelay: Duration
        var latency: LatencySpec?
        var idleTimeout: Duration
        var maxOperationsPerUser: Int
        var serverMaxEnvelopeSize: Int
        var clock: SimulatorClock
        var deniedNamespaces: Set<String> = ["root/security"]
    }

    struct CacheKey: Hashable {
        var className: String
        var form: String
    }

    struct Runtime {
        var state: HostState
        var cache: [CacheKey: [[UInt8]]] = [:]
        var contexts: [String: EnumerationContext] = [:]
        var ids: SeededGenerator
        var latency: SeededGenerator
        var enumerateCount = 0
        var inFlight: [String: Int] = [:]
    }

    let index: Int
    let hostname: String
    let os: OSBuild
    let settings: Settings
    private let runtime: Mutex<Runtime>

    init(state: HostState, settings: Settings, seed: UInt64) {
        index = state.info.index
        hostname = state.info.hostname
        os = state.info.os
        self.settings = settings
        runtime = Mutex(Runtime(state: state, ids: SeededGenerator(seed: seed, stream: 0xD000 + UInt64(state.info.index)),
                                latency: SeededGenerator(seed: seed, stream: 0xE000 + UInt64(state.info.index))))
    }

    /// Advances the host one seeded step and drops the rendered-response cache.
    func tick() -> HostDrift {
        runtime.withLock { runtime in
            runtime.cache.removeAll()
            return runtime.state.tick()
        }
    }

    /// The current instances of a class (ground truth for client tests), nil if the host lacks it.
    func instances(of className: String) -> [CimInstance]? {
        runtime.withLock { runtime in
            runtime.state.instances(of: className)
        }
    }

    /// Marks the end of a request the HTTP layer has finished sending (for the concurrency quota).
    func finish(user: String?) {
        guard let user else { return }
        runtime.withLock { $0.inFlight[user, default: 1] -= 1 }
    }

    /// Answers one HTTP request body. Returns the reply, the user it counted against (if any), and the event to publish.
    func handle(body: [UInt8], authorization: String?, identifyHeader: String?) -> (SimulatorReply, String?, SimulatorEvent) {
        var event = SimulatorEvent(hostIndex: index, hostname: hostname, operation: .unknown, resourceURI: nil, outcome: .ok)
        if settings.fault == .hang {
            event.outcome = .injected(.hang)
            return (SimulatorReply(status: 0, behaviour: .hang), nil, event)
        }
        let user = authenticatedUser(authorization)
        let request: SoapRequest
        do { request = try SoapRequest.parse(body) } catch {
            if user == nil || settings.fault == .auth { event.outcome = .unauthorized; return (unauthorized(), nil, event) }
            event.outcome = .badRequest
            return (SimulatorReply(status: 400, headers: [("Content-Type", "text/plain")], body: ByteBuffer(string: "\(error)\n")), nil, event)
        }
        event.operation = Self.operation(of: request)
        event.resourceURI = request.resourceURI
        let isAnonymousIdentify = identifyHeader?.lowercased() == "unauthenticated" && event.operation == .identify
        guard (user != nil && settings.fault != .auth) || isAnonymousIdentify else {
            event.outcome = .unauthorized
            return (unauthorized(), nil, event)
        }
        var reply = runtime.withLock { runtime -> SimulatorReply in
            if let user { runtime.inFlight[user, default: 0] += 1 }
            var reply = respond(to: request, user: user, anonymous: user == nil || isAnonymousIdentify, runtime: &runtime, event: &event)
            reply.delay = delay(for: request, runtime: &runtime, reply: &reply, event: &event)
            return reply
        }
        if reply.status == 200 { applyTransportFault(to: &reply, event: &event) }
        return (reply, user, event)
    }

    private static func operation(of request: SoapRequest) -> SimulatorEvent.Operation {
        switch request.body {
        case .identify: .identify
        case .get: .get
        case .enumerate: .enumerate
        case .pull: .pull
        case .release: .release
        case .unknown: .unknown
        }
    }

    private func authenticatedUser(_ header: String?) -> String? {
        guard let credentials = settings.credentials, let header, header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingWhitespace),
              let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else { return nil }
        let name = String(pair[..<colon]), secret = String(pair[pair.index(after: colon)...])
        return name == credentials.username && secret == credentials.password ? name : nil
    }

    /// Windows answers a missing or wrong Authorization with 401, an empty body and one
    /// WWW-Authenticate header per enabled scheme (here Basic is enabled, as the simulator needs).
    private func unauthorized() -> SimulatorReply {
        SimulatorReply(status: 401, headers: [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "Kerberos"),
                                              ("WWW-Authenticate", "Basic realm=\"WSMAN\"")])
    }

    private func delay(for request: SoapRequest, runtime: inout Runtime, reply: inout SimulatorReply,
                       event: inout SimulatorEvent) -> Duration {
        var delay = settings.latency?.delay(using: &runtime.latency) ?? .zero
        if settings.fault == .slow { delay += settings.slowDelay }
        if delay < .zero { delay = .zero }
        if let timeout = request.operationTimeout.flatMap({ CimInterval(parsing: $0) }), timeout.microseconds > 0 {
            let limit = Duration.microseconds(timeout.microseconds)
            if delay > limit, event.operation != .identify {
                let fault = SimulatedFault.timedOut()
                reply = faultReply(fault, request: request, runtime: &runtime)
                event.outcome = .fault(subcode: fault.subcode)
                return limit
            }
        }
        return delay
    }

    private func applyTransportFault(to reply: inout SimulatorReply, event: inout SimulatorEvent) {
        switch settings.fault {
        case .truncate?:
            reply.body = reply.body.getSlice(at: reply.body.readerIndex, length: max(1, reply.body.readableBytes / 2)) ?? reply.body
            event.outcome = .injected(.truncate)
        case .malformed?:
            var bytes = Array(reply.body.readableBytesView)
            if let close = bytes.lastIndex(of: UInt8(ascii: "<")) { bytes.insert(contentsOf: Array("<<&".utf8), at: close) }
            reply.body = ByteBuffer(bytes: bytes)
            event.outcome = .injected(.malformed)
        case .reset?:
            reply.behaviour = .resetMidBody
            event.outcome = .injected(.reset)
        default: break
        }
    }

    /// A message or context id as Windows writes them (`uuid:` and an uppercase version-4 UUID), from
    /// the host's seeded generator, so a seeded fleet answers the same ids run after run.
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    func newID(_ runtime: inout Runtime) -> String {
        let a = runtime.ids.next(), b = runtime.ids.next()
        let hex = Self.hexDigits
        var digits = [UInt8](repeating: 0, count: 32)
        for index in 0..<16 {
            digits[index] = hex[Int((a >> (60 - 4 * UInt64(index))) & 0xF)]
            digits[16 + index] = hex[Int((b >> (60 - 4 * UInt64(index))) & 0xF)]
        }
        digits[12] = UInt8(ascii: "4")   // version 4
        digits[16] = UInt8(ascii: "A")   // RFC 4122 variant
        var id = Array("uuid:".utf8)
        id.reserveCapacity(41)
        for (index, digit) in digits.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { id.append(UInt8(ascii: "-")) }
            id.append(digit)
        }
        return String(decoding: id, as: UTF8.self)
    }

    func faultReply(_ fault: SimulatedFault, request: SoapRequest, runtime: inout Runtime) -> SimulatorReply {
        let text = fault.render(relatesTo: request.messageID, messageID: newID(&runtime), machine: hostname)
        return SimulatorReply(status: 500, headers: [SimulatorReply.soapContentType], body: ByteBuffer(string: text))
    }

    private func respond(to request: SoapRequest, user: String?, anonymous: Bool, runtime: inout Runtime,
                         event: inout SimulatorEvent) -> SimulatorReply {
        func fail(_ fault: SimulatedFault) -> SimulatorReply {
            event.outcome = .fault(subcode: fault.subcode)
            return faultReply(fault, request: request, runtime: &runtime)
        }
        if settings.fault == .http500 {
            event.outcome = .injected(.http500)
            return faultReply(.internalError(), request: request, runtime: &runtime)
        }
        if let size = request.maxEnvelopeSize, size < 8_192 { return fail(.encodingLimit(tooSmall: true)) }
        let envelopeLimit = min(request.maxEnvelopeSize ?? 153_600, settings.serverMaxEnvelopeSize)
        let soap: Result<ByteBuffer, SimulatedFault>
        switch request.body {
        case .identify:
            let text = ResponseRenderer.identifyResponse(os: anonymous ? nil : os, securityProfiles: !anonymous)
            return SimulatorReply(status: 200, headers: [SimulatorReply.soapContentType], body: ByteBuffer(string: text))
        case .get: soap = get(request, runtime: &runtime)
        case .enumerate(let body): soap = enumerate(request, body, user: user ?? "", limit: envelopeLimit, runtime: &runtime)
        case .pull(let context, let maxElements):
            soap = pull(request, context: context, maxElements: maxElements, limit: envelopeLimit, runtime: &runtime)
        case .release(let context):
            soap = runtime.contexts.removeValue(forKey: context) == nil
                ? .failure(.invalidEnumerationContext())
                : .success(ByteBuffer(string: ResponseRenderer.envelope(action: WSManAction.release.responseAction, relatesTo: request.messageID,
                                                                        messageID: newID(&runtime), namespaces: ResponseRenderer.enumerationNamespaces,
                                                                        body: "")))
        case .unknown:
            soap = .failure(request.action.map { SimulatedFault.actionNotSupported($0) } ?? .schemaValidation("The request has no known operation."))
        }
        switch soap {
        case .success(let bytes):
            if bytes.readableBytes > envelopeLimit { return fail(.encodingLimit(tooSmall: false)) }
            return SimulatorReply(status: 200, headers: [SimulatorReply.soapContentType], body: bytes)
        case .failure(let fault): return fail(fault)
        }
    }
}
