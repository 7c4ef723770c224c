extension WSManFault {
    /// A WS-Management error code (`f:WSManFault/@Code`): a Win32 error or an HRESULT, mostly in
    /// the WinRM facility 0x80338000. Unknown codes are kept as they are.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// `0x80338029 (2150858793)`.
        public var description: String {
            rawValue < 0x10000 ? String(rawValue) : "0x" + String(rawValue, radix: 16, uppercase: true) + " (\(rawValue))"
        }
    }

    /// Whether retrying later may succeed: quotas, timeouts, an unreachable service. OMI reports an
    /// unknown or expired enumeration context as DestinationUnreachable with no detail too, so
    /// check `isEnumerationContextInvalid` first when pulling.
    public var isTransient: Bool {
        if let code {
            if Code.quotaCodes.contains(code) { return true }
            if code == .operationTimedOut || code == .pullTimedOut || code == .destinationUnreachable { return true }
        }
        if cimError?.cimStatusCode == 27 { return true }  // CIM_ERR_SERVER_LIMITS_EXCEEDED
        switch subcode?.localName {
        // 0x80338000 with subcode InternalError is the service failing; with DestinationUnreachable and
        // a WMI error it is a permanent provider answer such as "invalid class".
        case "QuotaLimit", "TimedOut", "InternalError": return true
        case "DestinationUnreachable": return code == nil && cimError == nil
        default: return false
        }
    }

    /// Whether the enumeration context is gone (expired, released, unknown): restart the Enumerate.
    public var isEnumerationContextInvalid: Bool {
        if let code, code == .invalidEnumerationContext || code == .enumerationClosed { return true }
        if subcode?.localName == "InvalidEnumerationContext" { return true }
        return cimError?.cimStatusCode == 21  // CIM_ERR_INVALID_ENUMERATION_CONTEXT
    }

    /// Whether the response would not fit the request's MaxEnvelopeSize or another encoding limit:
    /// ask for fewer items per batch.
    public var isEncodingLimit: Bool {
        if let code, code == .encodingLimit || code == .maxEnvelopeSizeExceeded || code == .serverEnvelopeLimitExceeded {
            return true
        }
        return subcode?.localName == "EncodingLimit"
    }

    /// What to do about a known code.
    var hint: String? {
        guard let code = code ?? providerFault?.code else {
            return subcode?.localName == "DestinationUnreachable"
                ? "The resource, instance or enumeration context was not found, or the service is unreachable" : nil
        }
        switch code {
        case .operationTimedOut:
            return "The server gave up within OperationTimeout; retry (a Pull keeps its context) or raise --operation-timeout"
        case .pullTimedOut:
            return "No data arrived within MaxTime; the enumeration is still valid, Pull again"
        case .invalidSelectors, .insufficientSelectors, .unexpectedSelectors:
            return "The selectors do not name an existing instance: check the key properties; the instance may have gone"
        case .cannotProcessFilter:
            return "The WQL filter is invalid here, or the class or namespace does not exist on this host"
        case .invalidEnumerationContext, .enumerationClosed:
            return "The enumeration expired or was closed between requests; restart it and pull promptly"
        case .encodingLimit:
            return "The request exceeds a server encoding limit (MaxEnvelopeSize below 8192, too many options)"
        case .maxEnvelopeSizeExceeded, .serverEnvelopeLimitExceeded:
            return "The response would exceed MaxEnvelopeSize; lower MaxElements or raise MaxEnvelopeSize up to the server's MaxEnvelopeSizekb"
        case .accessDenied:
            return "The account lacks rights: check WinRM's RootSDDL and the WMI namespace security"
        case .schemaValidation:
            return "The request did not validate; WMI also reports a datetime with '*' in the class data this way: treat it as a per-class failure"
        case .invalidXML:
            return "The request XML was invalid (unescaped characters or wrong encoding)"
        case .destinationUnreachable:
            return "The WinRM service or plugin is unreachable; retry later"
        default:
            return Code.quotaCodes.contains(code)
                ? "A WinRM quota was hit (concurrent operations or shells per user); back off and retry, or raise the quota"
                : nil
        }
    }
}

/// Named codes, from wsmerror.h as summarised in wsman.md §6.2 and seen in the corpus faults.
extension WSManFault.Code {
    /// 5: Win32 ERROR_ACCESS_DENIED.
    public static let accessDenied = Self(rawValue: 5)
    /// 87: Win32 ERROR_INVALID_PARAMETER.
    public static let invalidParameter = Self(rawValue: 87)
    /// 0x80338000: the resource was not found.
    public static let resourceNotFound = Self(rawValue: 0x8033_8000)
    /// 0x80338006: a Pull is already running on this context.
    public static let pullInProgress = Self(rawValue: 0x8033_8006)
    /// 0x80338007: the enumeration was closed.
    public static let enumerationClosed = Self(rawValue: 0x8033_8007)
    /// 0x8033800F: an invalid SOAP header (e.g. a bad OperationTimeout).
    public static let invalidMessageInformationHeader = Self(rawValue: 0x8033_800F)
    /// 0x80338012: the service or plugin is unreachable.
    public static let destinationUnreachable = Self(rawValue: 0x8033_8012)
    /// 0x8033801A: the WQL filter could not be processed (bad query, missing class or namespace).
    public static let cannotProcessFilter = Self(rawValue: 0x8033_801A)
    /// 0x8033801B: the enumeration context is invalid or expired.
    public static let invalidEnumerationContext = Self(rawValue: 0x8033_801B)
    /// 0x8033801C: a Pull got no data within MaxTime; the enumeration stays valid.
    public static let pullTimedOut = Self(rawValue: 0x8033_801C)
    /// 0x80338029: the operation did not finish within OperationTimeout.
    public static let operationTimedOut = Self(rawValue: 0x8033_8029)
    /// 0x8033802C: an unsupported character encoding (only UTF-8 and UTF-16).
    public static let unsupportedEncoding = Self(rawValue: 0x8033_802C)
    /// 0x80338035: a request encoding limit was exceeded.
    public static let encodingLimit = Self(rawValue: 0x8033_8035)
    /// 0x8033803B: an invalid resource URI.
    public static let invalidResourceURI = Self(rawValue: 0x8033_803B)
    /// 0x8033803D: invalid selectors.
    public static let invalidSelectors = Self(rawValue: 0x8033_803D)
    /// 0x8033803F: a generic quota limit.
    public static let quotaLimit = Self(rawValue: 0x8033_803F)
    /// 0x80338041: the request failed schema validation.
    public static let schemaValidation = Self(rawValue: 0x8033_8041)
    /// 0x80338043: the request XML is invalid.
    public static let invalidXML = Self(rawValue: 0x8033_8043)
    /// 0x80338048: the response would exceed the request's MaxEnvelopeSize.
    public static let maxEnvelopeSizeExceeded = Self(rawValue: 0x8033_8048)
    /// 0x80338049: the response would exceed the server's envelope limit.
    public static let serverEnvelopeLimitExceeded = Self(rawValue: 0x8033_8049)
    /// 0x8033805A: too few selectors (not all keys given).
    public static let insufficientSelectors = Self(rawValue: 0x8033_805A)
    /// 0x8033805B: unexpected selectors.
    public static let unexpectedSelectors = Self(rawValue: 0x8033_805B)
    /// 0x803381A5: the user's maximum number of concurrent shells.
    public static let quotaMaxShells = Self(rawValue: 0x8033_81A5)
    /// 0x803381A6: the user's maximum number of concurrent operations.
    public static let quotaMaxOperations = Self(rawValue: 0x8033_81A6)
    /// 0x803381A7: a per-user quota.
    public static let quotaUser = Self(rawValue: 0x8033_81A7)
    /// 0x803381A8: a system-wide quota.
    public static let quotaSystem = Self(rawValue: 0x8033_81A8)

    /// The QuotaLimit family: transient, retry with jittered backoff.
    public static let quotaCodes: Set<Self> = [.quotaLimit, .quotaMaxShells, .quotaMaxOperations, .quotaUser, .quotaSystem]
}
