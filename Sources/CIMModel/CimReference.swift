/// A reference to a CIM instance: on the wire a WS-Addressing endpoint reference whose reference
/// parameters carry a resource URI and the instance's key selectors.
public struct CimReference: Sendable, Hashable, CustomStringConvertible {
    /// `a:Address`; the anonymous role URI for references inside instances.
    public var address: String
    /// `w:ResourceURI` of the referenced class.
    public var resourceURI: String
    /// The key selectors in wire order (`__cimnamespace` included when sent).
    public var selectors: [Selector]

    public struct Selector: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public static let anonymousAddress = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"

    public init(address: String = CimReference.anonymousAddress, resourceURI: String, selectors: [Selector]) {
        self.address = address
        self.resourceURI = resourceURI
        self.selectors = selectors
    }

    /// The class name: the last path segment of the resource URI.
    public var className: String {
        resourceURI.split(separator: "/").last.map(String.init) ?? resourceURI
    }

    /// `Class.Key1="v1",Key2="v2"`, the WMI object-path spelling, for display.
    public var description: String {
        let keys = selectors.filter { $0.name != "__cimnamespace" }
            .map { "\($0.name)=\"\($0.value.replacingOccurrences(of: "\"", with: "\\\""))\"" }
        return keys.isEmpty ? className + "=@" : className + "." + keys.joined(separator: ",")
    }
}
