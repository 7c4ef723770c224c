/// A server-side enumeration: the rendered items still to hand out, and when it was last touched.
struct EnumerationContext: Sendable {
    var items: ArraySlice<[UInt8]>
    var lastUsed: Duration
    var pulls = 0
    /// The user that opened it; it counts against that user's concurrent-operations quota.
    var user: String
}
