import CIMModel
import Synchronization

/// Member layouts shared by the result sets of a sweep. The hosts of a fleet return the same
/// property lists, so each list's canonical order, volatile split and identity are worked out once
/// per sweep rather than once per host × class. It also remembers each class's last result size,
/// so the next result set of the class reserves its buffers once.
public final class SharedLayouts: Sendable {
    private struct Key: Hashable {
        let namespace: String
        let className: String
        /// The member keys (`"Name":`) back to back: the property names in order.
        let keys: [UInt8]
        let keyNames: [String]
    }

    /// Enough for every class of a profile in several OS versions; past it, layouts are not kept.
    private static let capacity = 4096
    private let layouts = Mutex<[Key: MemberLayout]>([:])
    /// The size of the last result set of each class (by "namespace:class").
    private let sizes = Mutex<[String: (entries: Int, textBytes: Int)]>([:])

    public init() {}

    /// How many instances and JSON bytes the last result set of a class held.
    func lastSize(namespace: String, className: String) -> (entries: Int, textBytes: Int)? {
        sizes.withLock { $0[namespace + ":" + className] }
    }

    func recordSize(namespace: String, className: String, entries: Int, textBytes: Int) {
        sizes.withLock { sizes in
            if sizes.count < Self.capacity { sizes[namespace + ":" + className] = (entries, textBytes) }
        }
    }

    /// The layout for the instance's property names, made with `make` the first time.
    func layout(for instance: CimInstanceJSON, make: () -> MemberLayout) -> MemberLayout {
        let keys = instance.members.flatMap { instance.object[$0.start..<$0.valueStart] }
        let key = Key(namespace: instance.namespace, className: instance.className, keys: keys, keyNames: instance.keyNames)
        return layouts.withLock { layouts in
            if let known = layouts[key] { return known }
            let made = make()
            if layouts.count < Self.capacity { layouts[key] = made }
            return made
        }
    }
}
