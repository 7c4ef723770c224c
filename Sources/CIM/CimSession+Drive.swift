import WSMan

extension CimSession {
    /// Runs one enumeration's requests (Enumerate, Pull…, Release) to the end, handing each item to
    /// `onItem` on the thread that parses it. Both `enumerate(_:)` (an async sequence) and
    /// `enumerateAll(_:each:)` (a callback) are built on it.
    /// - Parameters:
    ///   - demand: awaited before each Pull; false means the consumer is gone and the context is released.
    ///   - isConsumerGone: checked after each response, so a gone consumer costs no further Pull.
    func drive(_ query: CimQuery, demand: () async -> Bool, isConsumerGone: () -> Bool,
               onItem: @escaping @Sendable (EnumerationItem) -> Void) async -> Result<Void, CimSessionError> {
        var machine = makeStateMachine(query)
        var action = machine.start()
        var isFirstRequest = true
        var operation = CimSessionError.Operation.enumerate
        while true {
            switch action {
            case .send(let request):
                if !isFirstRequest, case .pulling = machine.state, !(await demand()) {
                    action = machine.cancelled()
                    if case .finish = action { return .success(()) }
                    continue
                }
                isFirstRequest = false
                operation = switch request.expectedResponse {
                case .release: .release
                case .pull: .pull
                default: .enumerate
                }
                do {
                    let response = try await exchange(request, operation: operation, className: query.targetClassName,
                                                      namespace: query.namespace, itemForm: query.itemForm, onItem: onItem)
                    action = machine.received(response)
                    if case .send = action, isConsumerGone() { action = machine.cancelled() }
                } catch {
                    if operation == .release { return .success(()) }
                    if let release = machine.cancelled().request { await releaseBestEffort(release) }
                    return .failure(error)
                }
            case .finish:
                return .success(())
            case .fail(let failure, let release):
                if let release { await releaseBestEffort(release) }
                return .failure(error(for: failure, operation: operation))
            }
        }
    }

    /// Sends Release without waiting for it when the task is cancelled (a deadline must not wait on
    /// a sick host; the context then expires there), and waits for it otherwise.
    private func releaseBestEffort(_ release: WSManRequest) async {
        if Task.isCancelled {
            Task { [self] in _ = try? await exchange(release, operation: .release) }
        } else {
            _ = try? await exchange(release, operation: .release)
        }
    }
}

extension EnumerationStateMachine.Action {
    /// The request to send, for `.send`.
    var request: WSManRequest? {
        if case .send(let request) = self { return request }
        return nil
    }
}

extension CimSession {
    func error(for failure: EnumerationFailure, operation: CimSessionError.Operation) -> CimSessionError {
        switch failure {
        case .fault(let fault): CimSessionError(host: host, operation: operation, reason: .fault(fault))
        case .contextExpired(let fault):
            CimSessionError(host: host, operation: operation, reason: .enumerationContextExpired(fault))
        case .protocolViolation(let what): CimSessionError(host: host, operation: operation, reason: .protocolViolation(what))
        }
    }
}
