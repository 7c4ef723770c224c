/// Bytes the XML reader decodes (text with references or CRs, attribute values to normalize), at
/// an address that stays put until the next `removeAll` or growth: events point into it.
final class ScratchBuffer {
    private(set) var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity = 256

    init() { start = .allocate(capacity: capacity) }

    deinit { start.deallocate() }

    func removeAll() { count = 0 }

    func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        start[count] = byte
        count += 1
    }

    func append(_ bytes: UnsafePointer<UInt8>, count added: Int) {
        if count + added > capacity { grow(to: count + added) }
        (start + count).update(from: bytes, count: added)
        count += added
    }

    private func grow(to needed: Int) {
        var size = capacity * 2
        while size < needed { size *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        larger.update(from: start, count: count)
        start.deallocate()
        start = larger
        capacity = size
    }
}
