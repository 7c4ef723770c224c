import CIMModel
import Testing

/// `CimInstanceJSON` keeps members and a hash of their keys, not names: the names read back from
/// the keys, and "same layout" is decided by the keys themselves.
struct CimInstanceJSONTests {
    static func json(_ names: [String]) -> CimInstanceJSON {
        var instance = CimInstance(className: "Test_Names", namespace: "root/test", keyNames: [names[0]])
        for (index, name) in names.enumerated() { instance.set(name, .sint64(Int64(index))) }
        var json = CimInstanceJSON()
        json.set(instance)
        return json
    }

    @Test func namesReadBackFromTheKeysEvenWhenEscaped() {
        let names = ["Id", "Quote\"d", "Back\\slash", "Tab\tbed", "Café", "Caption"]
        let json = Self.json(names)
        #expect(json.names == names)
        #expect(json.name(at: 1) == "Quote\"d")
        #expect(json.index(of: "caption") == 5)
        #expect(String(decoding: json.object, as: UTF8.self).hasPrefix(#"{"Id":0,"Quote\"d":1,"Back\\slash":2,"Tab\tbed":3"#))
    }

    @Test func sameKeysMeansSameNamesInTheSameOrder() {
        let a = Self.json(["Id", "Name", "State"]), b = Self.json(["Id", "Name", "State"])
        #expect(a.layoutHash == b.layoutHash && a.hasSameKeys(as: b))
        for other in [["Id", "State", "Name"], ["Id", "Name"], ["Id", "Name", "Statf"], ["Id", "NameS", "tate"]] {
            let c = Self.json(other)
            #expect(!a.hasSameKeys(as: c), "\(other)")
        }
        // Written with pre-encoded keys (the parser's way), the layout is the same.
        var written = CimInstanceJSON()
        written.reset(className: "Test_Names", namespace: "root/test", keyNames: ["Id"])
        for (index, name) in ["Id", "Name", "State"].enumerated() {
            let key = Array("\"\(name)\":".utf8)
            key.withUnsafeBytes { written.beginMember(encodedKey: $0, keyHash: CimInstanceJSON.keyHash($0)) }
            written.writer.write(CimValue.sint64(Int64(index)))
            written.endMember()
        }
        written.finish()
        #expect(written.hasSameKeys(as: a) && written.object == a.object)
    }
}
