import CIMModel
import Testing

@Suite struct CimValueLexicalTests {
    @Test func uint64KeepsEveryDigit() throws {
        let value = try CimValue.parse(lexical: "18446744073709551615", as: .uint64)
        #expect(value == .uint64(.max))
        #expect(value.lexicalForm == "18446744073709551615")
    }

    @Test func integersAreCheckedAgainstTheirWidth() {
        #expect(throws: CimValueError.self) { try CimValue.parse(lexical: "256", as: .uint8) }
        #expect(throws: CimValueError.self) { try CimValue.parse(lexical: "-1", as: .uint32) }
        #expect(throws: CimValueError.self) { try CimValue.parse(lexical: "12abc", as: .sint32) }
    }

    @Test func datetimeTextBecomesTimestampOrInterval() throws {
        #expect(try CimValue.parse(lexical: "2013-04-15T16:28:47Z", as: .datetime).scalarType == .datetime)
        guard case .interval = try CimValue.parse(lexical: "PT5S", as: .datetime) else {
            Issue.record("PT5S should read as an interval")
            return
        }
    }

    @Test func booleansAndWhitespace() throws {
        #expect(try CimValue.parse(lexical: " true\n", as: .boolean) == .boolean(true))
        #expect(try CimValue.parse(lexical: "0", as: .boolean) == .boolean(false))
        #expect(try CimValue.parse(lexical: "  keep  ", as: .string) == .string("  keep  "))
    }

    @Test func errorTextNamesValueAndType() {
        #expect(CimValueError(text: "abc", expected: .uint16).description == "'abc' is not a valid uint16")
    }
}
