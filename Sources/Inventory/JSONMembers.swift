#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The members of a stored properties object (`{"Name":…,"ProcessId":4}`) as byte ranges of its
/// UTF-8 text, found without building a parse tree: diff compares values as bytes (the writer is
/// deterministic, so equal values are equal bytes) and parses only the ones that differ.
struct JSONMembers {
    struct Member {
        /// The key's bytes between the quotes, still escaped.
        var key: Range<Int>
        var value: Range<Int>
    }

    let bytes: [UInt8]
    private(set) var members: [Member] = []

    /// Scans the UTF-8 text `bytes`; nil when it is not a JSON object (the caller reports corruption).
    init?(_ bytes: [UInt8]) {
        self.bytes = bytes
        guard let members = bytes.withUnsafeBufferPointer(Self.scan) else { return nil }
        self.members = members
    }

    func key(_ member: Member) -> String { String(decoding: bytes[member.key], as: UTF8.self) }

    func sameKey(_ a: Member, _ other: JSONMembers, _ b: Member) -> Bool {
        Self.equal(bytes, a.key, other.bytes, b.key)
    }

    func sameValue(_ a: Member, _ other: JSONMembers, _ b: Member) -> Bool {
        Self.equal(bytes, a.value, other.bytes, b.value)
    }

    private static func equal(_ left: [UInt8], _ a: Range<Int>, _ right: [UInt8], _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return left.withUnsafeBufferPointer { l in
            right.withUnsafeBufferPointer { r in memcmp(l.baseAddress! + a.lowerBound, r.baseAddress! + b.lowerBound, a.count) == 0 }
        }
    }

    /// The elements of the JSON array in `bytes`, as byte ranges; nil when it is not one array.
    static func elements(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var elements: [Range<Int>] = []
        var index = skipSpace(bytes, from: 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
        index = skipSpace(bytes, from: index + 1)
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            return skipSpace(bytes, from: index + 1) == bytes.count ? elements : nil
        }
        while true {
            guard let end = valueEnd(bytes, from: index) else { return nil }
            elements.append(index..<end)
            index = skipSpace(bytes, from: end)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index = skipSpace(bytes, from: index + 1); continue }
            guard bytes[index] == UInt8(ascii: "]") else { return nil }
            return skipSpace(bytes, from: index + 1) == bytes.count ? elements : nil
        }
    }

    private static func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
        return index
    }

    /// The members of the object in `bytes`, or nil when it is not one JSON object.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [Member]? {
        var members: [Member] = []
        var index = 0
        func skipWhitespace() { index = skipSpace(bytes, from: index) }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { return members }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let keyEnd = stringEnd(bytes, from: index)
            else { return nil }
            let key = (index + 1)..<(keyEnd - 1)
            index = keyEnd
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            guard let valueEnd = valueEnd(bytes, from: index) else { return nil }
            members.append(Member(key: key, value: index..<valueEnd))
            index = valueEnd
            skipWhitespace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            return members
        }
    }

    /// The index just past the string starting at `start` (a quote), or nil if unterminated. Finds
    /// each quote with `memchr`; one preceded by an odd run of backslashes is escaped.
    private static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var index = start + 1
        while index < bytes.count {
            guard let found = memchr(base + index, Int32(UInt8(ascii: "\"")), bytes.count - index) else { return nil }
            let quote = base.distance(to: UnsafePointer(found.assumingMemoryBound(to: UInt8.self)))
            var backslashes = 0
            while quote - backslashes - 1 > start, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 0 { return quote + 1 }
            index = quote + 1
        }
        return nil
    }

    /// The index just past the value starting at `start`, or nil if it does not end.
    private static func valueEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return stringEnd(bytes, from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0, index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(bytes, from: index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            scalar: while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: break scalar
                default: index += 1
                }
            }
            return index > start ? index : nil
        }
    }
}
