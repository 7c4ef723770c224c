import CCurl
import Foundation
import Logging
import Synchronization

/// The one thread that owns a libcurl multi handle and drives every transfer of a ``Transport``.
///
/// Other threads never touch the multi handle except through `curl_multi_wakeup`. They put commands in
/// `inbox` and wake the loop; the loop drains the inbox, runs `curl_multi_perform`, completes finished
/// transfers (resuming their continuations), and sleeps in `curl_multi_poll` until a socket is ready, a
/// libcurl timer fires or the next wakeup. Body chunks reach consumers on this thread as they arrive.
// @unchecked Sendable: `inbox` is guarded by its Mutex; `curl_multi_wakeup` on `multi` is the one call made
// from other threads, always while holding that Mutex and never after shutdown was queued, so the loop can
// free `multi` safely. `running` and `connections` are touched only on the loop thread.
final class CurlMultiLoop: @unchecked Sendable {
    enum Command {
        case register(ConnectionState)
        case start(Transfer)
        case cancel(Transfer)
        case close(ConnectionState)
        case shutdown(CheckedContinuation<Void, Never>)
    }

    private struct Inbox {
        var commands: [Command] = []
        var isShutDown = false
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private let logger: Logger
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private var connections: [ObjectIdentifier: ConnectionState] = [:]
    /// Set while shutting down, so finishing a transfer does not start the next one.
    private var isStopping = false
    let transfersInFlight = Atomic<Int>(0)
    let transfersQueued = Atomic<Int>(0)
    let openConnections = Atomic<Int>(0)

    /// libcurl's global state, set up once per process before the first handle.
    private static let globalInit: CURLcode = cs_curl_global_init_all()

    init(configuration: Transport.Configuration, logger: Logger) throws(TransportError) {
        guard Self.globalInit == CURLE_OK, let multi = curl_multi_init() else {
            throw TransportError(
                host: "-", phase: .configure, kind: .invalidOption, detail: "libcurl failed to initialise",
                hint: "Check that libcurl and its TLS library are installed correctly")
        }
        self.multi = multi
        self.logger = logger
        _ = cs_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxCachedConnections)
        if let total = configuration.maxTotalConnections {
            _ = cs_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, total)
        }
    }

    /// Starts the loop thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "cimsweep.curl-multi"
        thread.start()
    }

    /// Queues `command` and wakes the loop; false once shutdown was queued (the command is dropped).
    @discardableResult
    func submit(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return false }
            if case .shutdown = command { inbox.isShutDown = true }
            inbox.commands.append(command)
            curl_multi_wakeup(multi)
            return true
        }
    }

    // MARK: - Loop thread only

    private func run() {
        logger.trace("curl loop started")
        while true {
            let commands = inbox.withLock { inbox in
                defer { inbox.commands.removeAll(keepingCapacity: true) }
                return inbox.commands
            }
            for command in commands {
                switch command {
                case .register(let state):
                    connections[ObjectIdentifier(state)] = state
                    openConnections.add(1, ordering: .relaxed)
                case .start(let transfer): start(transfer)
                case .cancel(let transfer): cancel(transfer)
                case .close(let state): close(state)
                case .shutdown(let done):
                    tearDown()
                    done.resume()
                    return
                }
            }
            var stillRunning: Int32 = 0
            repeat {
                let code = curl_multi_perform(multi, &stillRunning)
                if code != CURLM_OK { logger.error("curl_multi_perform failed", metadata: ["curl.code": "\(code.rawValue)"]) }
            } while completeFinishedTransfers()
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func start(_ transfer: Transfer) {
        let state = transfer.connection
        if transfer.isCancelRequested {
            transfer.resume(.failure(CancellationError()))
        } else if state.easy == nil {
            transfer.resume(.failure(TransportError.shutDown(host: state.endpoint.host)))
        } else if state.active != nil {
            state.pending.append(transfer)
            transfersQueued.add(1, ordering: .relaxed)
        } else {
            begin(transfer)
        }
    }

    /// Puts the connection's handle into the multi for `transfer`.
    private func begin(_ transfer: Transfer) {
        let state = transfer.connection
        do {
            try state.prepare(transfer)
        } catch {
            state.finish(transfer)
            transfer.resume(.failure(error))
            return
        }
        guard let easy = state.easy, curl_multi_add_handle(multi, easy) == CURLM_OK else {
            state.finish(transfer)
            transfer.resume(.failure(TransportError.shutDown(host: state.endpoint.host)))
            return
        }
        state.active = transfer
        running[easy] = transfer
        transfersInFlight.add(1, ordering: .relaxed)
        state.requestsSent.add(1, ordering: .relaxed)
        state.logger.trace("request sent", metadata: ["http.request_bytes": "\(transfer.requestBytes)"])
    }

    private func cancel(_ transfer: Transfer) {
        let state = transfer.connection
        if state.active === transfer, let easy = state.easy, running[easy] === transfer {
            // Removing a handle mid-transfer makes libcurl close that TCP connection; the handle stays
            // usable and the next request opens a fresh connection.
            end(easy, transfer, result: .failure(CancellationError()))
            state.logger.debug("request cancelled")
        } else if let index = state.pending.firstIndex(where: { $0 === transfer }) {
            state.pending.remove(at: index)
            transfersQueued.add(-1, ordering: .relaxed)
            transfer.resume(.failure(CancellationError()))
        } else {
            transfer.isCancelRequested = true
        }
    }

    /// Reads libcurl's completion messages; true when it started queued transfers, which need another
    /// `curl_multi_perform` before sleeping.
    private func completeFinishedTransfers() -> Bool {
        var startedMore = false
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = running[easy]
            else { continue }
            let code = cs_curl_msg_result(message)
            end(easy, transfer, result: result(of: transfer, code: code))
            startedMore = startedMore || transfer.connection.active != nil
        }
        return startedMore
    }

    private func result(of transfer: Transfer, code: CURLcode) -> Result<HTTPResponseHead, any Error> {
        if code == CURLE_OK, transfer.deliverHeadIfNeeded(), let head = transfer.head {
            return .success(head)
        }
        if let abortError = transfer.abortError { return .failure(abortError) }
        let state = transfer.connection
        var credential: Credential?
        switch state.options.authentication {
        case .basic(let basic): credential = basic
        case .certificate(let certificate): credential = certificate.keyPassword
        case .negotiate(let negotiate):
            if case .password(let password) = negotiate.credentials { credential = password }
        case .none: break
        }
        let failure = TransportError.CurlFailure(
            code: code, errorBuffer: state.lastErrorText, endpoint: state.endpoint, timeouts: state.options.timeouts,
            requestTimeout: transfer.timeout, wasConnected: transfer.isConnected)
        return .failure(TransportError(failure, credential: credential))
    }

    /// Takes the handle out of the multi, resumes the caller and starts the connection's next request.
    private func end(_ easy: UnsafeMutableRawPointer, _ transfer: Transfer, result: Result<HTTPResponseHead, any Error>) {
        curl_multi_remove_handle(multi, easy)
        running[easy] = nil
        transfersInFlight.add(-1, ordering: .relaxed)
        let state = transfer.connection
        state.finish(transfer)
        state.active = nil
        log(result, of: transfer)
        transfer.resume(result)
        if !isStopping, !state.pending.isEmpty {
            transfersQueued.add(-1, ordering: .relaxed)
            begin(state.pending.removeFirst())
        }
    }

    private func log(_ result: Result<HTTPResponseHead, any Error>, of transfer: Transfer) {
        let state = transfer.connection
        let milliseconds = state.lastTotalMicroseconds / 1000
        switch result {
        case .success(let head):
            state.logger.debug(
                "request completed",
                metadata: ["http.status": "\(head.status)", "duration_ms": "\(milliseconds)"])
            state.logger.trace(
                "response received",
                metadata: ["http.response_bytes": "\(transfer.bodyBytes)", "http.header_bytes": "\(transfer.headerBytes)"])
        case .failure(let error):
            state.logger.debug("request failed", metadata: ["error": "\(error)", "duration_ms": "\(milliseconds)"])
        }
    }

    private func close(_ state: ConnectionState) {
        guard connections.removeValue(forKey: ObjectIdentifier(state)) != nil else { return }
        openConnections.add(-1, ordering: .relaxed)
        state.close()
    }

    /// Fails everything still queued or running, frees every handle and the multi.
    private func tearDown() {
        isStopping = true
        for (easy, transfer) in running {
            end(easy, transfer, result: .failure(TransportError.shutDown(host: transfer.connection.endpoint.host)))
        }
        for state in connections.values {
            for transfer in state.pending {
                transfer.resume(.failure(TransportError.shutDown(host: state.endpoint.host)))
            }
            transfersQueued.add(-state.pending.count, ordering: .relaxed)
            state.pending.removeAll()
            state.close()
        }
        openConnections.store(0, ordering: .relaxed)
        connections.removeAll()
        curl_multi_cleanup(multi)
        logger.trace("curl loop stopped")
    }
}
