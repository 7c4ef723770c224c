/// Which hosts misbehave, and how. Placement is deterministic: the same seed and plan give the same
/// faulty hosts, e.g. `slow=5%,http500=2%,reset=2%,truncate=1%,malformed=1%,hang=1%,auth=1%,expire=2%,quota=1%`.
public struct FaultPlan: Sendable, Hashable {
    /// One way a host can misbehave.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// Every response is delayed by ``FaultPlan/slowDelay`` on top of fleet latency.
        case slow
        /// Every WS-Management request gets HTTP 500 with an InternalError fault body.
        case http500
        /// The connection is closed half-way through the response body.
        case reset
        /// A 200 response whose XML is cut short (Content-Length matches the short body).
        case truncate
        /// A 200 response whose XML is not well-formed.
        case malformed
        /// The request is read and never answered.
        case hang
        /// Every request gets 401, whatever the credentials.
        case auth
        /// Enumeration contexts expire at the second Pull (InvalidEnumerationContext).
        case expire
        /// Every other Enumerate is refused with the concurrent-operations quota fault; a retry succeeds.
        case quota
    }

    /// Fraction of hosts (0…1) that get each kind.
    public var rates: [Kind: Double] = [:]
    /// Explicit assignments by host index; they win over rates.
    public var assigned: [Int: Kind] = [:]
    /// The extra delay of `slow` hosts.
    public var slowDelay: Duration = .seconds(2)

    public init(rates: [Kind: Double] = [:], assigned: [Int: Kind] = [:]) {
        self.rates = rates
        self.assigned = assigned
    }

    /// Parses `kind=percent%` pairs separated by commas (`slow=5%,hang=1%`); `%` is optional.
    /// - Throws: ``SimulatorError`` naming the bad pair and the known kinds.
    public init(parsing text: String) throws(SimulatorError) {
        for pair in text.split(separator: ",") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace }
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            guard parts.count == 2, let kind = Kind(rawValue: parts[0]) else {
                throw SimulatorError("bad fault '\(pair)': expected kind=percent%, kinds: \(known)")
            }
            let number = parts[1].hasSuffix("%") ? String(parts[1].dropLast()) : parts[1]
            guard let percent = Double(number), (0...100).contains(percent) else {
                throw SimulatorError("bad fault rate '\(parts[1])' for \(kind.rawValue): expected 0-100%")
            }
            rates[kind] = percent / 100
        }
        guard rates.values.reduce(0, +) <= 1 else { throw SimulatorError("fault rates add up to more than 100%") }
    }

    /// The fault a host has, if any: one uniform draw per host against the cumulative rates.
    public func kind(forHost index: Int, seed: UInt64) -> Kind? {
        if let explicit = assigned[index] { return explicit }
        var generator = SeededGenerator(seed: seed, stream: 0xC000 + UInt64(index))
        let draw = Double(generator.next() >> 11) / Double(1 << 53)
        var cumulative = 0.0
        for kind in Kind.allCases {
            cumulative += rates[kind] ?? 0
            if draw < cumulative { return kind }
        }
        return nil
    }
}
