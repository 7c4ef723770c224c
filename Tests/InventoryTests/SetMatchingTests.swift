import CIMModel
import Inventory
import Testing

/// How diff matches the members of two result sets when a host returns repeated instances or
/// several instances with one identity (nothing forbids either on the wire), and how it finds the
/// values in a stored JSON object.
struct SetMatchingTests {
    static let keyed = CimClassSchema(namespace: "root/test", className: "Test_Keyed", keys: ["Name"],
                                      properties: [.init(name: "Name", type: .string), .init(name: "Path", type: .string),
                                                   .init(name: "Value", type: CimType(.uint32))])

    static func keyed(_ name: String, _ value: UInt32, path: String = "C:") -> CimInstance {
        CimInstance(className: "Test_Keyed", namespace: "root/test", host: "h",
                    properties: [.init(name: "Name", value: .string(name)), .init(name: "Path", value: .string(path)),
                                 .init(name: "Value", value: .uint32(value))],
                    keyNames: ["Name"])
    }

    /// A class with no schema and no key names: the whole content is the identity.
    static func bare(_ text: String) -> CimInstance {
        CimInstance(className: "Test_Bare", namespace: "root/test", host: "h",
                    properties: [.init(name: "Text", value: .string(text))])
    }

    @Test func repeatedInstancesWithoutIdentityAreCountedOneByOne() throws {
        let test = try TestStore()
        let bare = CimClassSchema(namespace: "root/test", className: "Test_Bare", keys: [], properties: [])
        try test.sweep([("h", [(bare, [Self.bare("a"), Self.bare("a"), Self.bare("b")])])], at: 1)
        try test.sweep([("h", [(bare, [Self.bare("a"), Self.bare("c"), Self.bare("a"), Self.bare("a")])])], at: 2)
        let classes = try #require(test.store.diff().hosts.first?.classes)
        #expect(classes.count == 1)
        #expect(classes.first?.removed.map { $0.instance["Text"] } == [.string("b")])
        #expect(classes.first?.added.map { $0.instance["Text"] } == [.string("c"), .string("a")])
        #expect(classes.first?.added.map(\.identity) == [nil, nil])
        #expect(classes.first?.changed == [])
    }

    @Test func anInstanceOnBothSidesIsNeverPairedWithAnotherOfItsIdentity() throws {
        var registry = CimSchemaRegistry.builtin
        registry.add(Self.keyed)
        let test = try TestStore(schemas: registry)
        // Two instances named "k" on each side; the one with Value 1 is on both, in other places.
        try test.sweep([("h", [(Self.keyed, [Self.keyed("k", 1), Self.keyed("k", 2), Self.keyed("j", 5)])])], at: 1)
        try test.sweep([("h", [(Self.keyed, [Self.keyed("k", 3), Self.keyed("k", 1), Self.keyed("j", 6)])])], at: 2)
        let keyed = try #require(test.store.diff().hosts.first?.classes.first)
        #expect(keyed.added.isEmpty && keyed.removed.isEmpty)
        #expect(keyed.changed.map(\.identity) == [[CimProperty(name: "Name", value: .string("k"))],
                                                  [CimProperty(name: "Name", value: .string("j"))]])
        #expect(keyed.changed.map { $0.changes } == [[PropertyChange(name: "Value", old: .uint32(2), new: .uint32(3))],
                                                     [PropertyChange(name: "Value", old: .uint32(5), new: .uint32(6))]])
    }

    @Test func stringsEndingInBackslashesOrEscapedQuotesEndWhereTheyShould() throws {
        var registry = CimSchemaRegistry.builtin
        registry.add(Self.keyed)
        let test = try TestStore(schemas: registry)
        // Stored as "C:\\" and "\\\"\\": a quote after an even run of backslashes ends the string.
        try test.sweep([("h", [(Self.keyed, [Self.keyed("k", 1, path: "C:\\")])])], at: 1)
        try test.sweep([("h", [(Self.keyed, [Self.keyed("k", 2, path: "\\\"\\")])])], at: 2)
        let changed = try #require(test.store.diff().hosts.first?.classes.first?.changed)
        #expect(changed.map(\.changes) == [[PropertyChange(name: "Path", old: .string("C:\\"), new: .string("\\\"\\")),
                                             PropertyChange(name: "Value", old: .uint32(1), new: .uint32(2))]])
    }
}
