import CIMModel
import Testing

struct CimValueJSONTests {
    @Test func integersKeepEveryDigit() throws {
        #expect(CimValue.uint64(.max).jsonText() == "18446744073709551615")
        #expect(CimValue.sint64(.min).jsonText() == "-9223372036854775808")
        #expect(CimValue.uint8(0).jsonText() == "0")
        let back = try CimValue(json: "18446744073709551615", as: CimType(.uint64))
        #expect(back == .uint64(.max))
        #expect(try CimValue(json: "-9223372036854775808", as: CimType(.sint64)) == .sint64(.min))
    }

    @Test func realsAndTheirSpecialValues() throws {
        #expect(CimValue.real64(.nan).jsonText() == "\"NaN\"")
        #expect(CimValue.real64(-.infinity).jsonText() == "\"-INF\"")
        #expect(CimValue.real32(.infinity).jsonText() == "\"INF\"")
        #expect(try CimValue(json: "\"INF\"", as: CimType(.real32)) == .real32(.infinity))
        guard case .real64(let nan) = try CimValue(json: "\"NaN\"", as: CimType(.real64)) else {
            Issue.record("NaN did not read back as real64"); return
        }
        #expect(nan.isNaN)
        for value in [0.1, 1e-5, 123456789.125, -0.0, 5e300] {
            #expect(try CimValue(json: CimValue.real64(value).jsonText(), as: CimType(.real64)) == .real64(value))
        }
        #expect(try CimValue(json: CimValue.real32(0.1).jsonText(), as: CimType(.real32)) == .real32(0.1))
    }

    @Test func stringsEscapeQuotesBackslashesAndControlCharacters() throws {
        let text = "a\"b\\c\n\t\u{01}\u{1F}é€😀\u{7F}"
        let json = CimValue.string(text).jsonText()
        #expect(json == "\"a\\\"b\\\\c\\n\\t\\u0001\\u001fé€😀\u{7F}\"")
        #expect(try CimValue(json: json, as: .string) == .string(text))
        #expect(try CimValue(json: "\"\\ud83d\\ude00\\u00e9\\/\"", as: .string) == .string("😀é/"))
    }

    @Test func loneSurrogatesSurviveAsChar16AndBecomeReplacementInStrings() throws {
        let json = CimValue.char16(0xD800).jsonText()
        #expect(json == "\"\\ud800\"")
        #expect(try CimValue(json: json, as: CimType(.char16)) == .char16(0xD800))
        #expect(try CimValue(json: "\"x\\udc00\"", as: .string) == .string("x\u{FFFD}"))
        #expect(try CimValue(json: CimValue.char16(0x41).jsonText(), as: CimType(.char16)) == .char16(0x41))
    }

    @Test func nullIsNotAnEmptyArray() throws {
        #expect(CimValue.null.jsonText() == "null")
        #expect(CimValue.array([]).jsonText() == "[]")
        let type = try #require(CimType(parsing: "uint16[]"))
        #expect(try CimValue(json: "[]", as: type) == .array([]))
        #expect(try CimValue(json: "null", as: type) == .null)
        #expect(try CimValue(json: "[1,65535]", as: type) == .array([.uint16(1), .uint16(65535)]))
    }

    @Test func datetimesIntervalsReferencesAndEmbeddedInstances() throws {
        let when = try #require(CimDateTime(parsing: "2013-04-15T16:28:47.73517+02:00"))
        #expect(CimValue.datetime(when).jsonText() == "\"2013-04-15T16:28:47.73517+02:00\"")
        #expect(try CimValue(json: "\"2013-04-15T16:28:47.73517+02:00\"", as: .datetime) == .datetime(when))
        #expect(try CimValue(json: "\"P1DT2H3M4.5S\"", as: .datetime)
                == .interval(CimInterval(microseconds: ((26 * 60 + 3) * 60 + 4) * 1_000_000 + 500_000)))
        let reference = CimReference(resourceURI: "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service",
                                     selectors: [.init(name: "Name", value: "Spooler"), .init(name: "A", value: "1")])
        let refJSON = CimValue.reference(reference).jsonText()
        #expect(refJSON == #"{"resourceURI":"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service","selectors":{"Name":"Spooler","A":"1"}}"#)
        #expect(CimValue.reference(reference).jsonText(style: .canonical).contains(#"{"A":"1","Name":"Spooler"}"#))
        #expect(try CimValue(json: refJSON, as: CimType(.reference)) == .reference(reference))
        let embedded = CimInstance(className: "MSFT_Thing", namespace: "root/x",
                                   properties: [.init(name: "Size", value: .sint64(-3)), .init(name: "Tag", value: .null)])
        let embeddedJSON = CimValue.instance(embedded).jsonText()
        #expect(embeddedJSON == #"{"class":"MSFT_Thing","namespace":"root/x","properties":{"Size":-3,"Tag":null}}"#)
        #expect(try CimValue(json: embeddedJSON, as: CimType(.instance)) == .instance(embedded))
    }

    @Test func canonicalFormSortsKeysAndWireFormKeepsOrder() {
        let instance = CimInstance(className: "C", namespace: "root/n", host: "h",
                                   properties: [.init(name: "b", value: .uint8(1)), .init(name: "a", value: .boolean(true))])
        #expect(instance.jsonText() == #"{"host":"h","namespace":"root/n","class":"C","properties":{"b":1,"a":true}}"#)
        #expect(instance.jsonText(style: .canonical)
                == #"{"class":"C","host":"h","namespace":"root/n","properties":{"a":true,"b":1}}"#)
    }

    @Test func instancesRoundTripTypedBySchema() throws {
        let schemas = CimSchemaRegistry.builtin
        var process = CimInstance(className: "Win32_Process", namespace: "root/cimv2", host: "srv1",
                                  keyNames: ["Handle"])
        process.set("Handle", .string("4"))
        process.set("ProcessId", .uint32(4))
        process.set("KernelModeTime", .uint64(18_446_744_073_709_551_615))
        process.set("CreationDate", .datetime(CimDateTime(microsecondsSinceEpoch: 1_700_000_000_123_456)))
        process.set("CommandLine", .null)
        process.set("Unknown_Extra", .string("kept"))
        let back = try CimInstance(json: process.jsonText(), schemas: schemas)
        #expect(back == process)
    }

    @Test func valuesWithoutSchemaAreTypedByTheJSON() throws {
        #expect(try CimValue(json: "42", as: nil) == .sint64(42))
        #expect(try CimValue(json: "18446744073709551615", as: nil) == .uint64(.max))
        #expect(try CimValue(json: "1.5", as: nil) == .real64(1.5))
        #expect(try CimValue(json: "\"2013-04-15T16:28:47Z\"", as: nil) == .string("2013-04-15T16:28:47Z"))
        #expect(try CimValue(json: "[true,false]", as: nil) == .array([.boolean(true), .boolean(false)]))
        // A value that does not fit its declared type is kept, typed by the JSON.
        #expect(try CimValue(json: "300", as: CimType(.uint8)) == .sint64(300))
    }

    @Test(arguments: ["", "{", "[1,]", "01", "\"abc", "\"\\x\"", "tru", "{\"a\" 1}", "1 2", "\"\u{01}\""])
    func malformedJSONIsAnErrorWithAnOffset(_ text: String) {
        #expect(throws: CimJSONError.self) { try CimValue(json: text, as: nil) }
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: CimJSONError.self) { try CimValue(json: text, as: nil) }
    }
}

struct CimDateTimeJSONTests {
    /// The writer formats datetimes itself (hot path); it must match `CimDateTime.iso8601` exactly.
    @Test func datetimeJSONMatchesISO8601() {
        var state: UInt64 = 0x1234_5678
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let micros = Int64(bitPattern: state % 8_000_000_000_000_000) - 2_000_000_000_000_000
            let roundTo = [1, 10, 1000, 1_000_000][Int(state >> 60) % 4]
            let offset = Int((state >> 20) % 1679) - 839
            let value = CimDateTime(microsecondsSinceEpoch: micros / Int64(roundTo) * Int64(roundTo), utcOffsetMinutes: offset)
            #expect(CimValue.datetime(value).jsonText() == "\"" + value.iso8601 + "\"")
        }
    }
}
