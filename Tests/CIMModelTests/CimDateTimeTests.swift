import CIMModel
import Testing

@Suite struct CimDateTimeTests {
    @Test func parsesWindowsXSDateTimeAndKeepsItsText() throws {
        let value = try #require(CimDateTime(parsing: "2013-04-15T16:28:47.73517Z"))
        #expect(value.iso8601 == "2013-04-15T16:28:47.73517Z")
        #expect(value.utcOffsetMinutes == 0)
        #expect(value.microsecondsSinceEpoch == 1_366_043_327_735_170)
    }

    @Test func dmtfAndXSFormsOfTheSameInstantAgree() throws {
        let dmtf = try #require(CimDateTime(parsing: "20220510113045.123456-480"))
        let xs = try #require(CimDateTime(parsing: "2022-05-10T11:30:45.123456-08:00"))
        #expect(dmtf == xs)
        #expect(dmtf.dmtf == "20220510113045.123456-480")
        #expect(dmtf.iso8601 == "2022-05-10T11:30:45.123456-08:00")
    }

    @Test(arguments: ["20180911124613.128***:000", "2013-13-01T00:00:00Z", "yesterday", "", "2013-04-15T16:28:47."])
    func refusesWhatIsNotATimestamp(_ text: String) {
        #expect(CimDateTime(parsing: text) == nil)
    }

    @Test func datesBeforeTheEpochRoundTrip() throws {
        let value = try #require(CimDateTime(parsing: "1601-01-01T00:00:00Z"))
        #expect(value.iso8601 == "1601-01-01T00:00:00Z")
    }
}

@Suite struct CimIntervalTests {
    @Test func parsesXSDurationAndDMTF() throws {
        let xs = try #require(CimInterval(parsing: "P1DT2H3M4.5S"))
        let dmtf = try #require(CimInterval(parsing: "00000001020304.500000:000"))
        #expect(xs == dmtf)
        #expect(xs.microseconds == ((86_400 + 7_384) * 1_000_000 + 500_000))
        #expect(xs.xsDuration == "P1DT2H3M4.5S")
        #expect(xs.dmtf == "00000001020304.500000:000")
    }

    @Test func zeroIsPT0S() {
        #expect(CimInterval(microseconds: 0).xsDuration == "PT0S")
    }

    @Test(arguments: ["P1Y", "PT", "P", "1D", "PT1.5H"])
    func refusesDurationsWithoutFixedLength(_ text: String) {
        #expect(CimInterval(parsing: text) == nil)
    }
}
