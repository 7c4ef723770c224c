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
    private var contents = EncodedContents()
    private let shared: SharedLayouts?

    /// - Parameter shared: layouts (and sizes) shared with the other result sets of a sweep; nil
    ///   works them out here.
    public init(schemas: CimSchemaRegistry, shared: SharedLayouts? = nil) {
        encoder = ContentEncoder(schemas: schemas, shared: shared)
        self.shared = shared
    }

    /// The instances added so far.
    public var count: Int { contents.entries.count }

    public mutating func add(_ instance: CimInstance) { encoder.encode(instance, into: &contents) }

    /// Adds an instance the parser wrote as JSON (`EnumerationItemForm.json`).
    public mutating func add(_ instance: CimInstanceJSON) {
        // The hosts of a fleet return result sets of similar size: room for what the last one of
        // this class held spares growing the buffers by doubling (copies, and up to half unused).
        if contents.entries.isEmpty, let size = shared?.lastSize(namespace: instance.namespace, className: instance.className) {
            contents.entries.reserveCapacity(size.entries + size.entries / 8)
            contents.text.reserveCapacity(size.textBytes + size.textBytes / 8)
        }
        encoder.encode(instance, into: &contents)
    }

    /// The result, ready for `SnapshotStore.commit`. A failure that returned nothing stores no set.
    public func prepared(_ observation: Observation) -> PreparedObservation {
        if observation.status == .ok, !contents.entries.isEmpty {
            shared?.recordSize(namespace: observation.namespace, className: observation.className,
                               entries: contents.entries.count, textBytes: contents.text.count)
        }
        let storesSet = observation.status == .ok || !contents.entries.isEmpty
        return PreparedObservation(observation: observation, contents: contents,
                                   setHashes: storesSet ? InstanceContent.setHashes(contents.entries) : nil)
    }
}

/// The encoded instances of one result set: fixed-size entries whose JSON texts share one buffer.
struct EncodedContents: Sendable {
    var entries: [InstanceContent] = []
    /// Every entry's property values and identity JSON, back to back.
    var text: [UInt8] = []
    /// The (namespace, class) pairs entries refer to by index.
    var classes: [(namespace: String, className: String)] = []
    /// The layouts entries refer to by index: `MemberLayout.serial` and `positions`.
    var layouts: [(serial: Int, positions: [UInt8])] = []

    /// The index of `layout` in `layouts`, added when new. A result set has one or a few.
    mutating func layoutIndex(_ layout: MemberLayout) -> Int {
        if let index = layouts.lastIndex(where: { $0.serial == layout.serial }) { return index }
        layouts.append((layout.serial, layout.positions))
        return layouts.count - 1
    }
}

/// A host × class encoded and hashed, ready for `SnapshotStore.commit`.
public struct PreparedObservation: Sendable {
    public let observation: Observation
    let contents: EncodedContents
    /// nil when no result set is stored (a failure that returned nothing).
    let setHashes: (hash: Data, stableHash: Data)?

    /// Roughly the memory its encoded instances hold.
    public var byteCount: Int { contents.text.count + contents.entries.count * MemoryLayout<InstanceContent>.stride }
}
