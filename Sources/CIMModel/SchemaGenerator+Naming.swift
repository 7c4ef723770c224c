extension SchemaGenerator {
    /// The Swift type name of a record: the CIM class name without underscores
    /// (`Win32_Process` → `Win32Process`, `MSFT_NetAdapter` → `MSFTNetAdapter`).
    public static func swiftTypeName(_ className: String) -> String {
        className.split(separator: "_").joined()
    }

    /// The Swift property name of a CIM property: lower camel case, with a leading acronym lowered
    /// as a whole (`ProcessId` → `processId`, `CSName` → `csName`, `PNPDeviceID` → `pnpDeviceID`,
    /// `DHCPLeaseObtained` → `dhcpLeaseObtained`), underscores dropped, keywords in backticks.
    /// The generator owns this mapping; nobody writes it by hand.
    public static func swiftPropertyName(_ cimName: String) -> String {
        let parts = cimName.split(separator: "_", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else { return "_" }
        var name = lowerLeadingWord(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if name.first?.isNumber == true { name = "_" + name }
        if reservedMembers.contains(name) { return name + "Property" }
        return swiftKeywords.contains(name) ? "`\(name)`" : name
    }

    private static func lowerLeadingWord(_ word: String) -> String {
        for (prefix, lowered) in mixedCaseAcronyms where word.hasPrefix(prefix) {
            return lowered + word.dropFirst(prefix.count)
        }
        let characters = Array(word)
        let run = characters.prefix { $0.isUppercase }.count
        switch run {
        case 0: return word
        case characters.count: return word.lowercased()
        case 1: return characters[0].lowercased() + String(characters[1...])
        default:
            // In "CSName" the last capital starts the next word ("Name"); before a digit it does not ("OS2").
            let lowered = characters[run].isLowercase ? run - 1 : run
            return String(characters[..<lowered]).lowercased() + String(characters[lowered...])
        }
    }

    /// Acronyms whose own spelling mixes case, so the capital-run rule would split them.
    private static let mixedCaseAcronyms: [(String, String)] = [("PnP", "pnp"), ("IPv4", "ipv4"), ("IPv6", "ipv6")]

    /// Names a record already uses for its `CimRecord` members.
    private static let reservedMembers: Set<String> = ["schema", "cimInstance"]

    private static let swiftKeywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
        "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true",
        "try", "_",
    ]
}
