import CIMModel
import WSMan

/// What to enumerate: a class, or a WQL query over a namespace, with an optional projection.
public struct CimQuery: Sendable, Hashable {
    public var className: String
    public var namespace: String
    /// A WQL WHERE clause (`--filter "Name='svchost.exe'"`).
    public var whereClause: String?
    /// A whole WQL statement; wins over `className` + `whereClause` for what is sent.
    public var wql: String?
    /// Properties to select; nil selects all (`SELECT *`, typed items), a list yields XmlFragment items.
    public var properties: [String]?
    /// EnumerateObjectAndEPR, EnumerateEPR or objects only.
    public var mode: EnumerationMode
    /// Items as `CimInstance`s, or as JSON where they are plain (for a consumer that only stores them).
    public var itemForm: EnumerationItemForm

    public init(className: String, namespace: String = "root/cimv2", whereClause: String? = nil,
                wql: String? = nil, properties: [String]? = nil, mode: EnumerationMode = .objects,
                itemForm: EnumerationItemForm = .instance) {
        self.itemForm = itemForm
        self.className = className
        self.namespace = namespace
        self.whereClause = whereClause
        self.wql = wql
        self.properties = properties
        self.mode = mode
    }

    /// The WQL sent, if any: a whole class enumeration without projection or filter sends none and
    /// uses the class URI, as PowerShell does.
    public var statement: String? {
        if let wql { return wql }
        guard whereClause != nil || properties != nil else { return nil }
        let list = properties.map { $0.joined(separator: ", ") } ?? "*"
        return "SELECT \(list) FROM \(className)" + (whereClause.map { " WHERE \($0)" } ?? "")
    }

    /// The class named by the WQL statement (`SELECT … FROM Class`), or `className`.
    var targetClassName: String {
        guard let wql else { return className }
        let words = wql.split(whereSeparator: \.isWhitespace)
        guard let from = words.firstIndex(where: { $0.lowercased() == "from" }), from + 1 < words.count else {
            return className
        }
        return String(words[from + 1])
    }
}

extension CimSession {
    /// Enumerates instances, Pulling only as the consumer iterates and Releasing the enumeration
    /// context when the consumer stops early or is cancelled.
    ///
    /// Items are handed over as each arrives (the response is parsed while it downloads); the next
    /// Pull is sent once the consumer has taken every item of the previous batch. An EncodingLimit
    /// fault halves MaxElements and retries; an expired context ends the sequence with
    /// `CimSessionError.Reason.enumerationContextExpired`.
    public func enumerate(_ query: CimQuery) -> CimEnumeration {
        CimEnumeration(session: self, query: query)
    }

    /// Enumerates to the end, handing every item to `body` on the thread that parses it, one at a
    /// time and in order: for a collector that stores whole result sets and can encode each item
    /// as it comes. No task switch per item, unlike the async sequence of `enumerate(_:)`.
    /// - Throws: `CimSessionError`, as the sequence would. Cancelling the task aborts the request in
    ///   flight; Release is then sent without waiting for it.
    public func enumerateAll(_ query: CimQuery, each body: @escaping @Sendable (EnumerationItem) -> Void)
        async throws(CimSessionError) {
        try await drive(query, demand: { true }, isConsumerGone: { false }, onItem: body).get()
    }

    /// Enumerates every instance of a class (`Get-CimInstance -ClassName`).
    public func enumerate(className: String, namespace: String = "root/cimv2") -> CimEnumeration {
        enumerate(CimQuery(className: className, namespace: namespace))
    }

    func makeStateMachine(_ query: CimQuery) -> EnumerationStateMachine {
        let resource: ResourceURI
        let filter: WSManFilter?
        if let statement = query.statement {
            resource = .wmiQuery(namespace: query.namespace)
            filter = .wql(statement)
        } else {
            resource = .wmi(namespace: query.namespace, className: query.className)
            filter = nil
        }
        return EnumerationStateMachine(builder: builder, resource: resource, filter: filter, mode: query.mode,
                                       maxElements: options.maxElements)
    }
}
