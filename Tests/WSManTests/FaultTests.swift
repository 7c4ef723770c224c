import Testing
import WSMan

/// Faults keep everything the server said, with codes resolved and classified.
@Suite struct FaultTests {
    func fault(_ relative: String, expecting kind: WSManResponseKind = .enumerate) throws -> WSManFault {
        let (response, _) = try WSManResponseParser.parse(try Reference.bytes(relative),
                                                          WSManResponseContext(expecting: kind, host: "srv01"))
        guard case .fault(let fault) = response else {
            throw Reference.Missing(path: "\(relative) did not parse as a fault: \(response)")
        }
        return fault
    }

    @Test func cannotProcessFilterKeepsTheProviderFault() throws {
        let f = try fault("corpus/WinRb-WinRM/fault-enumeration-CannotProcessFilter-invalid-class-ExtendedStatus-2008R2.xml")
        #expect(f.code == .cannotProcessFilter)
        #expect(f.code?.rawValue == 2_150_858_778)
        #expect(f.soapCode == .init(namespace: WSManNamespace.soap, localName: "Sender"))
        #expect(f.subcode == .init(namespace: WSManNamespace.enumeration, localName: "CannotProcessFilter"))
        #expect(f.machine == "localhost")
        #expect(f.action == "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault")
        #expect(f.providerFault?.provider == "WMI Provider")
        #expect(f.providerFault?.path == #"%systemroot%\system32\WsmWmiPl.dll"#)
        #expect(f.providerFault?.code == .cannotProcessFilter)
        #expect(f.providerFault?.machine == "vagrant-2008R2")
        #expect(f.providerFault?.message == "The specified class does not exist in the given namespace.")
        #expect(!f.isTransient)
        #expect(f.description.contains("0x8033801A (2150858778)"))
        #expect(f.description.contains("class or namespace does not exist"))

        let v1 = try fault("corpus/WinRb-WinRM/fault-enumeration-CannotProcessFilter-invalid-class-WMIv1-plugin.xml")
        #expect(v1.code == .cannotProcessFilter)
        #expect(v1.providerFault?.provider == "WMIv1 plugin for Windows Remote Management ")
        #expect(v1.reason.hasPrefix("The data source could not process the filter."))
    }

    @Test func quotaLimitReadsTheWmiErrorDetail() throws {
        let f = try fault("corpus/WinRb-WinRM/fault-QuotaLimit-MSFT_WmiError-detail.xml")
        #expect(f.subcode == .init(namespace: WSManNamespace.wsman, localName: "QuotaLimit"))
        #expect(f.cimError?.className == "MSFT_WmiError")
        #expect(f.cimError?.errorCode == 2_150_859_173)
        #expect(f.cimError?.cimStatusCode == 27)
        #expect(f.cimError?.messageID == "HRESULT 0x803381a5")
        #expect(f.cimError?.properties["CIMStatusCodeDescription"] == .some(nil))
        #expect(f.code == .quotaMaxShells)
        #expect(f.isTransient)
        #expect(f.description.contains("quota"))
    }

    @Test func maxConcurrentOperationsIsATransientQuota() throws {
        let f = try fault("corpus/zenoss-txwinrm/fault-InternalError-max-concurrent-operations-2150859174.xml")
        #expect(f.code == .quotaMaxOperations)
        #expect(f.code?.rawValue == 2_150_859_174)
        #expect(f.machine == "103040106")
        #expect(f.soapCode.localName == "Receiver")
        #expect(f.subcode?.localName == "InternalError")
        #expect(f.message?.hasPrefix("The WS-Management service cannot process the request. This user is allowed") == true)
        #expect(f.action == "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault")
        #expect(f.isTransient)
    }

    @Test func operationTimeoutIsTransient() throws {
        let f = try fault("corpus/jborean93-pypsrp/receive-fault-TimedOut-operation-timeout-response.xml")
        #expect(f.code == .operationTimedOut)
        #expect(f.subcode == .init(namespace: WSManNamespace.wsman, localName: "TimedOut"))
        #expect(f.machine == "192.168.56.11")
        #expect(f.isTransient)
        #expect(!f.isEncodingLimit)
    }

    @Test func invalidSelectorsKeepTheFaultDetail() throws {
        let f = try fault("corpus/jborean93-pypsrp/get-shell-fault-InvalidSelectors-response.xml", expecting: .get)
        #expect(f.subcode?.localName == "InvalidSelectors")
        #expect(f.code == .unexpectedSelectors)
        #expect(f.faultDetail == "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors")
        #expect(!f.isTransient)
        #expect(f.description.contains("selectors do not name an existing instance"))
    }

    @Test func addressingFaultResolvesItsSubcodeNamespace() throws {
        let f = try fault("corpus/jborean93-pypsrp/get-shell-fault-addressing-response.xml", expecting: .get)
        #expect(f.subcode == .init(namespace: WSManNamespace.addressing, localName: "InvalidMessageInformationHeader"))
        #expect(f.code == .invalidMessageInformationHeader)
        #expect(f.message?.contains("PT-1S") == true)
    }

    @Test func providerFaultWithTextOnly() throws {
        let f = try fault("corpus/jborean93-pypsrp/receive-fault-InvalidParameter-response.xml", expecting: .get)
        #expect(f.code == .invalidParameter)
        #expect(f.providerFault?.provider == "Shell cmd plugin")
        #expect(f.providerFault?.message == "The parameter is incorrect.")
    }

    @Test func omiInternalErrorHasCodeSubcodeAndReasonOnly() throws {
        let f = try fault("corpus/WinRb-WinRM/fault-OMI-InternalError-get-instance.xml", expecting: .get)
        #expect(f.soapCode == .init(namespace: WSManNamespace.soap, localName: "Receiver"))
        #expect(f.subcode == .init(namespace: WSManNamespace.wsman, localName: "InternalError"))
        #expect(f.reason == "get-instance: instance name parameter is missing")
        #expect(f.code == nil)
        #expect(f.description == "srv01: WS-Management fault (InternalError): get-instance: instance name parameter is missing")
    }

    @Test func specDestinationUnreachableExample() throws {
        let f = try fault("corpus/awakecoding-openspecs/mswsmv-4.10-fault-DestinationUnreachable-ResourceNotFound.xml",
                          expecting: .get)
        // The spec example writes `a:DestinationUnreachable` but declares the addressing namespace
        // as `wsa`: an undeclared prefix stays unresolved rather than guessed.
        #expect(f.subcode == .init(namespace: "", localName: "DestinationUnreachable"))
        #expect(f.code?.rawValue == 32768)
        #expect(!f.isTransient)
    }
}
