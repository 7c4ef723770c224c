import Foundation

/// The `w:ResourceURI` of a request: which class (or which namespace, for a WQL query) it addresses.
///
/// [MS-WSMV] 3.1.4.1.1: the WMI form is `http://schemas.microsoft.com/wbem/wsman/1/wmi/` + the CIM
/// namespace with `\` turned into `/` + `/` + class, for any namespace; classes whose version
/// qualifier has major 2 use the DMTF form `http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/<Class>`,
/// which names no namespace, so it is always sent with a `__cimnamespace` selector (without one
/// Windows uses `root\hardware`). [MS-WSMV] 3.1.4.1.13: WQL filters run against CIM/WMI resource
/// URIs; `*` as the class queries a whole namespace.
public struct ResourceURI: Sendable, Hashable, CustomStringConvertible {
    /// The URI as sent.
    public var uri: String
    /// The CIM namespace with slashes (`root/cimv2`), when the URI or the caller names one.
    public var cimNamespace: String?
    /// The class, or nil for the `*` form and for non-CIM resources.
    public var className: String?
    /// Whether requests must carry `__cimnamespace` because the URI itself has no namespace.
    public var requiresNamespaceSelector: Bool

    /// The WMI prefix, `http://schemas.microsoft.com/wbem/wsman/1/wmi/`.
    public static let wmiPrefix = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
    /// The DMTF CIM schema prefix, `http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/`.
    public static let dmtfPrefix = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"

    /// A class in any WMI namespace: `wmi(namespace: "root/StandardCimv2", className: "MSFT_NetAdapter")`.
    /// Backslashes in the namespace (`root\cimv2`) are turned into slashes.
    public static func wmi(namespace: String, className: String) -> ResourceURI {
        let ns = normalized(namespace)
        return ResourceURI(uri: wmiPrefix + ns + "/" + className, cimNamespace: ns, className: className,
                           requiresNamespaceSelector: false)
    }

    /// The whole namespace (`…/wmi/root/cimv2/*`), the target of a WQL query that names its class.
    public static func wmiQuery(namespace: String) -> ResourceURI {
        let ns = normalized(namespace)
        return ResourceURI(uri: wmiPrefix + ns + "/*", cimNamespace: ns, className: nil,
                           requiresNamespaceSelector: false)
    }

    /// A class in the DMTF form; requests for it always carry `__cimnamespace` = `namespace`.
    public static func dmtf(className: String, namespace: String) -> ResourceURI {
        ResourceURI(uri: dmtfPrefix + className, cimNamespace: normalized(namespace), className: className,
                    requiresNamespaceSelector: true)
    }

    /// Any other resource (`http://schemas.microsoft.com/wbem/wsman/1/config`, shells); WMI-form
    /// URIs are recognised so their namespace and class are known.
    public init(_ uri: String) {
        self.uri = uri
        self.requiresNamespaceSelector = false
        if uri.hasPrefix(Self.wmiPrefix) {
            let path = uri.dropFirst(Self.wmiPrefix.count)
            if let slash = path.lastIndex(of: "/") {
                cimNamespace = String(path[..<slash])
                let last = String(path[path.index(after: slash)...])
                className = last == "*" ? nil : last
            }
        } else if uri.hasPrefix(Self.dmtfPrefix) {
            className = String(uri.dropFirst(Self.dmtfPrefix.count))
            requiresNamespaceSelector = true
        }
    }

    private init(uri: String, cimNamespace: String?, className: String?, requiresNamespaceSelector: Bool) {
        self.uri = uri
        self.cimNamespace = cimNamespace
        self.className = className
        self.requiresNamespaceSelector = requiresNamespaceSelector
    }

    public var description: String { uri }

    static func normalized(_ namespace: String) -> String {
        var ns = namespace.replacingOccurrences(of: "\\", with: "/")
        while ns.hasSuffix("/") { ns.removeLast() }
        while ns.hasPrefix("/") { ns.removeFirst() }
        return ns
    }
}
