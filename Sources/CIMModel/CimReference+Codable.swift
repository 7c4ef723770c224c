// Typed records hold reference-typed properties as `CimReference`, and records are Codable.
extension CimReference: Codable {
    enum CodingKeys: String, CodingKey { case address, resourceURI, selectors }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(address: try c.decodeIfPresent(String.self, forKey: .address) ?? Self.anonymousAddress,
                  resourceURI: try c.decode(String.self, forKey: .resourceURI),
                  selectors: try c.decodeIfPresent([Selector].self, forKey: .selectors) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(address, forKey: .address)
        try c.encode(resourceURI, forKey: .resourceURI)
        try c.encode(selectors, forKey: .selectors)
    }
}

extension CimReference.Selector: Codable {
    enum CodingKeys: String, CodingKey { case name, value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), value: try c.decode(String.self, forKey: .value))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(value, forKey: .value)
    }
}
