import CIMModel
import Foundation

/// Encodes one host × class result instance by instance as it arrives, so a collector holds compact
/// JSON and hashes rather than the instances, and the CPU work runs where the instances are parsed.
///
/// ```swift
/// var encoder = ResultSetEncoder(schemas: store.schemas)
/// for instance in instances { encoder.add(instance) }
/// try store.commit([encoder.prepared(observation)])
/// ```
public struct ResultSetEncoder: Sendable {
    private var encoder: ContentEncoder
    private var contents: [InstanceContent] = []

    public init(schemas: CimSchemaRegistry) { encoder = ContentEncoder(schemas: schemas) }

    /// The instances added so far.
    public var count: Int { contents.count }

    public mutating func add(_ instance: CimInstance) { contents.append(encoder.encode(instance)) }

    /// The result, ready for `SnapshotStore.commit`. A failure that returned nothing stores no set.
    public func prepared(_ observation: Observation) -> PreparedObservation {
        let storesSet = observation.status == .ok || !contents.isEmpty
        return PreparedObservation(observation: observation, contents: contents,
                                   setHashes: storesSet ? InstanceContent.setHashes(contents) : nil)
    }
}

/// A host × class encoded and hashed, ready for `SnapshotStore.commit`.
public struct PreparedObservation: Sendable {
    public let observation: Observation
    let contents: [InstanceContent]
    /// nil when no result set is stored (a failure that returned nothing).
    let setHashes: (hash: Data, stableHash: Data)?
}
