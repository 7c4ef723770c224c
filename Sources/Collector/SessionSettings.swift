import CIM

/// Session options a profile or group may set; nil leaves the value underneath unchanged.
/// Names follow the CLI flags (and PowerShell's `New-CimSessionOption`).
public struct SessionSettings: Sendable, Hashable {
    public var port: Int?
    public var useSSL: Bool?
    public var authentication: CimSessionOptions.AuthenticationMechanism?
    public var allowUnencrypted: Bool?
    public var skipCACheck: Bool?
    public var skipCNCheck: Bool?
    public var caFile: String?
    public var connectTimeout: Duration?
    public var operationTimeout: Duration?
    public var maxElements: Int?
    public var maxEnvelopeSize: Int?
    public var locale: String?
    /// OMI on Linux: send `__cimnamespace` with every request.
    public var omi: Bool?

    public init() {}

    /// Writes the values that are set onto `options`.
    public func apply(to options: inout CimSessionOptions) {
        if let port { options.port = port }
        if let useSSL { options.useSSL = useSSL }
        if let authentication { options.authentication = authentication }
        if let allowUnencrypted { options.allowUnencrypted = allowUnencrypted }
        if let skipCACheck { options.tls.verifiesPeer = !skipCACheck }
        if let skipCNCheck { options.tls.verifiesHost = !skipCNCheck }
        if let caFile { options.tls.caFile = caFile }
        if let connectTimeout { options.connectTimeout = connectTimeout }
        if let operationTimeout { options.operationTimeout = operationTimeout }
        if let maxElements { options.maxElements = maxElements }
        if let maxEnvelopeSize { options.maxEnvelopeSize = maxEnvelopeSize }
        if let locale { options.locale = locale }
        if let omi { options.sendsNamespaceSelector = omi }
    }

    /// These settings with every value `other` sets replacing this one's.
    public func overlaid(by other: SessionSettings) -> SessionSettings {
        var result = self
        result.port = other.port ?? port
        result.useSSL = other.useSSL ?? useSSL
        result.authentication = other.authentication ?? authentication
        result.allowUnencrypted = other.allowUnencrypted ?? allowUnencrypted
        result.skipCACheck = other.skipCACheck ?? skipCACheck
        result.skipCNCheck = other.skipCNCheck ?? skipCNCheck
        result.caFile = other.caFile ?? caFile
        result.connectTimeout = other.connectTimeout ?? connectTimeout
        result.operationTimeout = other.operationTimeout ?? operationTimeout
        result.maxElements = other.maxElements ?? maxElements
        result.maxEnvelopeSize = other.maxEnvelopeSize ?? maxEnvelopeSize
        result.locale = other.locale ?? locale
        result.omi = other.omi ?? omi
        return result
    }
}
