import CIMModel

/// A `w:SelectorSet`: the key=value pairs that name one instance in the order given.
///
/// ```swift
/// let keys: SelectorSet = ["Name": "WinRM"]
/// ```
public struct SelectorSet: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The selectors in wire order.
    public var selectors: [CimReference.Selector]

    public init(_ selectors: [CimReference.Selector] = []) { self.selectors = selectors }

    public init(dictionaryLiteral elements: (String, String)...) {
        selectors = elements.map { CimReference.Selector(name: $0.0, value: $0.1) }
    }

    /// Whether there are no selectors.
    public var isEmpty: Bool { selectors.isEmpty }

    /// The value of a selector (names compare case-insensitively, as CIM names do).
    public subscript(name: String) -> String? {
        selectors.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// This set with `__cimnamespace` = `namespace` added, unless it already has one.
    public func addingNamespace(_ namespace: String) -> SelectorSet {
        if self[SelectorSet.cimNamespaceName] != nil { return self }
        return SelectorSet(selectors + [CimReference.Selector(name: SelectorSet.cimNamespaceName, value: namespace)])
    }

    /// `__cimnamespace`, the selector naming the CIM namespace (OMI reads the namespace only from it).
    public static let cimNamespaceName = "__cimnamespace"

    func write(to xml: inout XMLBytes) {
        xml.raw("<w:SelectorSet>")
        for selector in selectors {
            xml.raw("<w:Selector Name=\"")
            xml.attribute(selector.name)
            xml.raw("\">")
            xml.text(selector.value)
            xml.raw("</w:Selector>")
        }
        xml.raw("</w:SelectorSet>")
    }
}
