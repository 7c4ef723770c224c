import CIMModel
import Synchronization

/// Member layouts shared by the result sets of a sweep. The hosts of a fleet return the same
/// property lists, so each list's canonical order, volatile split and identity are worked out once
/// per sweep rather than once per host × class.
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

    public init() {}

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
