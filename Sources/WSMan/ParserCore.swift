/// The driving side of `WSManResponseParser`: hands the bytes to the parse state as they arrive,
/// keeping the unfinished token at the end of one piece until the next piece completes it.
///
/// The state is a struct in memory this object allocates and reaches through a pointer: a class's
/// stored properties would cost a runtime exclusivity check on every access, which measured as the
/// largest single cost of parsing.
final class ParserCore {
    private let state: UnsafeMutablePointer<ParserState>
    /// Bytes of an unfinished token, waiting for the rest of it.
    private var carry: [UInt8] = []
    /// The body offset of `carry`'s first byte.
    private var carryOffset = 0
    /// Scan the carry again once it holds this many bytes: twice what the last try could not
    /// finish, so a token trickling in byte by byte is rescanned a logarithmic number of times.
    private var retryAt = 0

    init(context: WSManResponseContext, limits: WSManParserLimits, onItem: @escaping (EnumerationItem) -> Void) {
        state = .allocate(capacity: 1)
        state.initialize(to: ParserState(context: context, limits: limits, onItem: onItem))
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws(WSManParseError) {
        if let failure = state.pointee.failure { throw failure }
        guard !bytes.isEmpty else { return }
        let limit = state.pointee.limits.maxBytes
        let fed = state.pointee.bytesFed
        if fed + bytes.count > limit {
            state.pointee.fail(.limitExceeded, expected: "a body of at most \(limit) bytes",
                               found: "more than \(limit) bytes", offset: limit)
            throw state.pointee.failure!
        }
        state.pointee.bytesFed += bytes.count
        if !state.pointee.sawContent { state.pointee.sawContent = bytes.contains { !XMLCharacters.isSpace($0) } }
        let input = bytes.bindMemory(to: UInt8.self)
        if carry.isEmpty {
            let used = state.pointee.scan(input, at: fed, isFinal: false)
            if let failure = state.pointee.failure { throw failure }
            if used < input.count {
                carry.append(contentsOf: input[used...])
                carryOffset = fed + used
                retryAt = 2 * carry.count
            }
        } else {
            carry.append(contentsOf: input)
            if carry.count >= retryAt { try scanCarry(isFinal: false) }
        }
        try checkTokenSize()
    }

    func finish() throws(WSManParseError) -> WSManResponse {
        if let failure = state.pointee.failure { throw failure }
        let fed = state.pointee.bytesFed
        guard state.pointee.sawContent else {
            throw WSManParseError(kind: .emptyBody, byteOffset: fed, expected: "a SOAP envelope",
                                  found: fed == 0 ? "an empty body" : "only whitespace")
        }
        if !carry.isEmpty { try scanCarry(isFinal: true) }
        guard state.pointee.envelopeClosed, carry.isEmpty else {
            throw WSManParseError(kind: .truncated, byteOffset: fed, expected: "the end of the s:Envelope",
                                  found: "the end of the body after \(fed) bytes")
        }
        return try state.pointee.response()
    }

    private func scanCarry(isFinal: Bool) throws(WSManParseError) {
        let used = carry.withUnsafeBufferPointer { state.pointee.scan($0, at: carryOffset, isFinal: isFinal) }
        if let failure = state.pointee.failure { throw failure }
        carry.removeSubrange(..<used)
        carryOffset += used
        retryAt = 2 * carry.count
    }

    /// One token (a text node, a tag) may not outgrow the text limit: a body that never closes
    /// one must not hold unbounded memory.
    private func checkTokenSize() throws(WSManParseError) {
        let limit = state.pointee.limits.maxTextBytes + 65_536
        guard carry.count > limit else { return }
        state.pointee.fail(.limitExceeded, expected: "text nodes and tags of at most \(limit) bytes",
                           found: "\(carry.count) bytes without the end of one", offset: carryOffset + carry.count)
        throw state.pointee.failure!
    }
}
