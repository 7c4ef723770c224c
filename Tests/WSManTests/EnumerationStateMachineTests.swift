import CIMModel
import Testing
import WSMan

/// Every transition of the Enumerate → Pull … → Release machine.
@Suite struct EnumerationStateMachineTests {
    static let resource = ResourceURI.wmiQuery(namespace: "root/cimv2")
    static var builder: WSManRequestBuilder {
        WSManRequestBuilder(options: WSManRequestOptions(to: "http://srv01:5985/wsman"), messageIDs: .sequential())
    }

    static func machine(maxElements: Int = 100) -> EnumerationStateMachine {
        EnumerationStateMachine(builder: builder, resource: resource, filter: .wql("SELECT * FROM Win32_Process"),
                                maxElements: maxElements)
    }

    static func batch(_ context: String?, end: Bool = false, items: Int = 0) -> WSManResponse {
        .enumeration(EnumerationBatch(context: context, isEndOfSequence: end, itemCount: items))
    }

    static func fault(_ code: WSManFault.Code?, subcode: String = "InternalError") -> WSManResponse {
        .fault(WSManFault(soapCode: .init(namespace: WSManNamespace.soap, localName: "Receiver"),
                          subcode: .init(namespace: WSManNamespace.wsman, localName: subcode), reason: "", code: code))
    }

    /// The request of a `.send` action, parsed back.
    static func sent(_ action: EnumerationStateMachine.Action) throws -> (WSManRequest, DOMElement) {
        guard case .send(let request) = action else { throw Reference.Missing(path: "expected .send, got \(action)") }
        return (request, try #require(DOMElement.parse(request.body)))
    }

    static func maxElements(_ dom: DOMElement) -> String? {
        let body = dom.child("Body")?.children.first
        return body?.child("MaxElements")?.text
    }

    @Test func enumeratePullsUntilEndOfSequenceWithoutRelease() throws {
        var machine = Self.machine(maxElements: 50)
        let (enumerate, dom) = try Self.sent(machine.start())
        #expect(enumerate.action == .enumerate)
        #expect(Self.maxElements(dom) == "50")
        #expect(machine.state == .enumerating)
        let (pull1, pullDOM) = try Self.sent(machine.received(Self.batch("uuid:A", items: 1)))
        #expect(pull1.action == .pull)
        #expect(pullDOM.child("Body")?.child("Pull")?.child("EnumerationContext")?.text == "uuid:A")
        #expect(machine.state == .pulling(context: "uuid:A"))
        // Empty and short batches are not the end; the newest context is used.
        let (_, pull2) = try Self.sent(machine.received(Self.batch("uuid:B", items: 0)))
        #expect(pull2.child("Body")?.child("Pull")?.child("EnumerationContext")?.text == "uuid:B")
        #expect(machine.received(Self.batch(nil, end: true, items: 7)) == .finish)
        #expect(machine.state == .finished)
        #expect(machine.context == nil)
        #expect(machine.cancelled() == .finish)
    }

    @Test func endOfSequenceInTheEnumerateResponseFinishesAtOnce() {
        var machine = Self.machine()
        _ = machine.start()
        // OMI returns a context together with EndOfSequence; it must not be pulled or released.
        #expect(machine.received(Self.batch("1164378112", end: true, items: 1000)) == .finish)
        #expect(machine.cancelled() == .finish)
    }

    @Test func cancelReleasesAnOpenContext() throws {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.received(Self.batch("uuid:A", items: 3))
        let (release, dom) = try Self.sent(machine.cancelled())
        #expect(release.action == .release)
        #expect(dom.child("Body")?.child("Release")?.child("EnumerationContext")?.text == "uuid:A")
        #expect(machine.state == .releasing)
        #expect(machine.received(.release) == .finish)
        #expect(machine.state == .finished)
    }

    @Test func cancelBeforeAnyContextFinishes() {
        var idle = Self.machine()
        #expect(idle.cancelled() == .finish)
        var started = Self.machine()
        _ = started.start()
        #expect(started.cancelled() == .finish)
    }

    @Test func releaseFaultStillFinishes() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.received(Self.batch("uuid:A"))
        _ = machine.cancelled()
        #expect(machine.received(Self.fault(.invalidEnumerationContext)) == .finish)
    }

    @Test func envelopeLimitFaultsHalveMaxElementsDownToOne() throws {
        var machine = Self.machine(maxElements: 5)
        _ = machine.start()
        let (again, dom) = try Self.sent(machine.received(Self.fault(.maxEnvelopeSizeExceeded)))
        #expect(again.action == .enumerate)
        #expect(Self.maxElements(dom) == "2")
        _ = machine.received(Self.batch("uuid:A"))
        let (pull, pullDOM) = try Self.sent(machine.received(Self.fault(.encodingLimit, subcode: "EncodingLimit")))
        #expect(pull.action == .pull)
        #expect(Self.maxElements(pullDOM) == "1")
        #expect(pullDOM.child("Body")?.child("Pull")?.child("EnumerationContext")?.text == "uuid:A")
        guard case .fail(.fault(let fault), let release) = machine.received(Self.fault(.maxEnvelopeSizeExceeded)) else {
            Issue.record("expected a failure at MaxElements 1")
            return
        }
        #expect(fault.code == .maxEnvelopeSizeExceeded)
        #expect(release?.action == .release)
        #expect(machine.state == .failed)
        #expect(machine.received(.release) == .finish)
    }

    @Test func expiredContextIsTerminalWithoutRelease() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.received(Self.batch("uuid:A"))
        guard case .fail(.contextExpired(let fault), let release) =
            machine.received(Self.fault(.invalidEnumerationContext, subcode: "InvalidEnumerationContext")) else {
            Issue.record("expected contextExpired")
            return
        }
        #expect(fault.isEnumerationContextInvalid)
        #expect(release == nil)
        #expect(machine.state == .failed)
        #expect(machine.received(Self.batch("uuid:B")) != .finish)
    }

    @Test func omiLostContextIsTerminal() throws {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.received(Self.batch("1164378112"))
        let (response, _) = try OMICaptureTests.parse(try OMICaptureTests.exchange("26-pull-bogus-context-fault"))
        guard case .fail(.contextExpired, nil) = machine.received(response) else {
            Issue.record("OMI's 'Enumeration context not found' must end the enumeration")
            return
        }
    }

    @Test func operationTimeoutOnPullRetriesTheSameContext() throws {
        var machine = Self.machine()
        machine.maxTimeoutRetries = 1
        _ = machine.start()
        _ = machine.received(Self.batch("uuid:A"))
        let (retry, dom) = try Self.sent(machine.received(Self.fault(.operationTimedOut, subcode: "TimedOut")))
        #expect(retry.action == .pull)
        #expect(dom.child("Body")?.child("Pull")?.child("EnumerationContext")?.text == "uuid:A")
        guard case .fail(.fault, let release) = machine.received(Self.fault(.operationTimedOut, subcode: "TimedOut")) else {
            Issue.record("expected a failure after the retry budget")
            return
        }
        #expect(release?.action == .release)
    }

    @Test func otherFaultsFail() {
        var machine = Self.machine()
        _ = machine.start()
        guard case .fail(.fault(let fault), nil) = machine.received(Self.fault(.cannotProcessFilter)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(fault.code == .cannotProcessFilter)
    }

    @Test func protocolViolations() {
        var noContext = Self.machine()
        _ = noContext.start()
        guard case .fail(.protocolViolation, nil) = noContext.received(Self.batch(nil)) else {
            Issue.record("a batch with neither context nor EndOfSequence must fail")
            return
        }
        var wrongKind = Self.machine()
        _ = wrongKind.start()
        guard case .fail(.protocolViolation, nil) = wrongKind.received(.release) else {
            Issue.record("a ReleaseResponse to an Enumerate must fail")
            return
        }
        var unasked = Self.machine()
        guard case .fail(.protocolViolation, nil) = unasked.received(Self.batch("x")) else {
            Issue.record("a response before start must fail")
            return
        }
    }

    @Test func replaysAnOmiEnumerationToTheEnd() throws {
        var machine = Self.machine(maxElements: 400)
        _ = machine.start()
        var total = 0
        var action = EnumerationStateMachine.Action.finish
        for name in ["10-enumerate-plain", "11-pull-01", "11-pull-02", "11-pull-03"] {
            let (response, items) = try OMICaptureTests.parse(try OMICaptureTests.exchange(name))
            total += items.count
            action = machine.received(response)
        }
        #expect(action == .finish)
        #expect(total == 1000)
    }
}
