import Foundation
import Testing
import WSMan

@Suite struct MessageIDSourceTests {
    /// Random ids are `uuid:` + an upper-case RFC 4122 version-4 UUID, as Windows writes them, and do not repeat.
    @Test func randomIDsAreUpperCaseVersion4UUIDs() throws {
        let ids = (0..<2_000).map { _ in MessageIDSource.random.next() }
        #expect(Set(ids).count == ids.count)
        let shape = try Regex("^uuid:[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")
        for id in ids { #expect(id.wholeMatch(of: shape) != nil, "\(id)") }
        // Every hex digit outside the fixed version and variant bits varies.
        let digits = ids.map { Array($0.dropFirst(5).replacingOccurrences(of: "-", with: "")) }
        for position in 0..<32 where position != 12 {
            #expect(Set(digits.map { $0[position] }).count > 3, "digit \(position) barely varies")
        }
    }
}
