import CCurl
import Foundation
import Logging
import Synchronization

/// The one thread that owns a libcurl multi handle and drives every transfer of a ``Transport``.
///
/// Other threads never touch the multi handle. They put commands in `inbox` and wake the loop (an
/// eventfd); the loop drains the inbox, sleeps in `epoll_wait` on the sockets libcurl asked it to
/// watch (its socket callback) until one is ready, libcurl's timer is due (its timer callback) or the
/// next wakeup, and hands exactly those sockets to `curl_multi_socket_action`. So a wake-up costs
/// what is ready, not every transfer in flight (as `curl_multi_perform` + `curl_multi_poll` did).
/// Finished transfers resume their continuations; body chunks reach consumers on this thread.
// @unchecked Sendable: `inbox` is guarded by its Mutex; signalling `wakeup` is the one thing other
// threads do, always while holding that Mutex and never after shutdown was queued, so the loop can
// close it safely. `running`, `connections` and `timerDeadline` are touched only on the loop thread
// (libcurl calls the socket and timer callbacks from inside the loop's own libcurl calls).
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
    private let epoll: Int32
    private let wakeup: Int32
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`; nil when it set no timer.
    private var timerDeadline: ContinuousClock.Instant?
    /// What one `epoll_wait` reports: descriptors and their `CURL_CSELECT_*` bits.
    private var readyDescriptors = [Int32](repeating: 0, count: 64)
    private var readyBits = [Int32](repeating: 0, count: 64)
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
        let epoll = cs_epoll_create(), wakeup = cs_eventfd_create()
        guard epoll >= 0, wakeup >= 0, cs_epoll_watch(epoll, wakeup, 1, 0) == 0 else {
            let reason = String(cString: strerror(errno))
            for fd in [epoll, wakeup] where fd >= 0 { Glibc.close(fd) }
            curl_multi_cleanup(multi)
            throw TransportError(
                host: "-", phase: .configure, kind: .systemResources,
                detail: "cannot create the event loop's epoll and eventfd descriptors: \(reason)",
                hint: "Raise the open-file limit (ulimit -n) if it is exhausted")
        }
        self.multi = multi
        self.epoll = epoll
        self.wakeup = wakeup
        self.logger = logger
        _ = cs_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxCachedConnections)
        if let total = configuration.maxTotalConnections {
            _ = cs_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, total)
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = cs_curl_multi_setopt_socket_callback(multi, curlSocketCallback)
        _ = cs_curl_multi_setopt_ptr(multi, CURLMOPT_SOCKETDATA, me)
        _ = cs_curl_multi_setopt_timer_callback(multi, curlTimerCallback)
        _ = cs_curl_multi_setopt_ptr(multi, CURLMOPT_TIMERDATA, me)
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
            cs_eventfd_signal(wakeup)
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
            runTimerIfDue()
            let count = cs_epoll_wait(epoll, &readyDescriptors, &readyBits, Int32(readyDescriptors.count), waitMilliseconds())
            for index in 0..<max(0, Int(count)) {
                if readyDescriptors[index] == wakeup {
                    cs_eventfd_drain(wakeup)
                } else {
                    act(on: readyDescriptors[index], bits: readyBits[index])
                }
            }
            completeFinishedTransfers()
        }
    }

    private func act(on socket: curl_socket_t, bits: Int32) {
        var stillRunning: Int32 = 0
        let code = curl_multi_socket_action(multi, socket, bits, &stillRunning)
        if code != CURLM_OK { logger.error("curl_multi_socket_action failed", metadata: ["curl.code": "\(code.rawValue)"]) }
    }

    /// Runs libcurl's timeouts (connect and request limits, and every transfer just added).
    private func runTimerIfDue() {
        if let deadline = timerDeadline, deadline <= .now {
            timerDeadline = nil   // libcurl sets the next one from inside the call
            act(on: cs_curl_socket_timeout(), bits: 0)
            completeFinishedTransfers()
        }
    }

    /// Until libcurl's timer is due; a second at most, so nothing waits on a lost wakeup for long.
    private func waitMilliseconds() -> Int32 {
        guard let deadline = timerDeadline else { return 1000 }
        let left = deadline - .now
        if left <= .zero { return 0 }
        return Int32(min(1000, (left / .milliseconds(1)).rounded(.up)))
    }

    /// libcurl's socket callback: watch `socket` for what it asks, or forget it.
    fileprivate func watch(_ socket: curl_socket_t, _ what: Int32) {
        if what == CURL_POLL_REMOVE {
            cs_epoll_forget(epoll, socket)
        } else if cs_epoll_watch(epoll, socket, what & CURL_POLL_IN, what & CURL_POLL_OUT) != 0 {
            logger.error("epoll_ctl failed", metadata: ["fd": "\(socket)", "error": "\(String(cString: strerror(errno)))"])
        }
    }

    /// libcurl's timer callback: -1 deletes the timer, 0 means at once.
    fileprivate func setTimer(milliseconds: Int) {
        timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
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

    /// Reads libcurl's completion messages. A queued transfer started here sets libcurl's timer to
    /// "at once", which the loop runs before it sleeps.
    private func completeFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = running[easy]
            else { continue }
            let code = cs_curl_msg_result(message)
            end(easy, transfer, result: result(of: transfer, code: code))
        }
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
        Glibc.close(epoll)
        Glibc.close(wakeup)
        logger.trace("curl loop stopped")
    }
}

private let curlSocketCallback: cs_curl_socket_callback = { _, socket, what, loop, _ in
    Unmanaged<CurlMultiLoop>.fromOpaque(loop!).takeUnretainedValue().watch(socket, what)
    return 0
}

private let curlTimerCallback: cs_curl_timer_callback = { _, milliseconds, loop in
    Unmanaged<CurlMultiLoop>.fromOpaque(loop!).takeUnretainedValue().setTimer(milliseconds: milliseconds)
    return 0
}
