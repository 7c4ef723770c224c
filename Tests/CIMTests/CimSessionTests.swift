import CIM
import CIMModel
import Logging
import Simulator
import Testing
import Transport
import WSMan

@Suite struct CimSessionTests {
    @Test func identifyWithoutCredentialsHidesTheOSVersion() async throws {
        try await FleetFixture.withFleet { fleet, transport in
            let session = try FleetFixture.session(fleet, transport)
            let anonymous = try await session.identify()
            #expect(anonymous.productVendor == "Microsoft Corporation")
            #expect(anonymous.productVersion == "OS: 0.0.0 SP: 0.0 Stack: 3.0")
            let authenticated = try await session.identify(authenticated: true)
            #expect(authenticated.productVersion.contains(fleet.hosts[0].os.version))
        }
    }

    @Test func enumerationReturnsExactlyWhatTheHostHolds() async throws {
        try await FleetFixture.withFleet { fleet, transport in
            var options = FleetFixture.options(for: fleet.hosts[0])
            options.maxElements = 37   // several Pulls
            let session = try FleetFixture.session(fleet, transport, options: options)
            var received: [CimInstance] = []
            for try await item in session.enumerate(className: "Win32_Process") {
                #expect(item.schemaIssues.isEmpty)
                received.append(try #require(item.instance))
            }
            let truth = try #require(fleet.instances(host: 0, className: "Win32_Process"))
            #expect(received.count == truth.count)
            #expect(received.count >= 150)
            #expect(received.byKey("Handle") == truth.byKey("Handle"))
            #expect(received.allSatisfy { $0.host == fleet.hosts[0].address && $0.keyNames == ["Handle"] })
        }
    }

    @Test func wqlFilterAndProjectionSelectOnTheHost() async throws {
        try await FleetFixture.withFleet { fleet, transport in
            let session = try FleetFixture.session(fleet, transport)
            let query = CimQuery(className: "Win32_Service", whereClause: "State = 'Running' AND StartMode <> 'Disabled'",
                                 properties: ["Name", "State"])
            var names: [String] = []
            for try await instance in session.enumerate(query).instances {
                #expect(instance.properties.map(\.name).sorted() == ["Name", "State"])
                names.append(try #require(instance["Name"]?.stringValue))
            }
            let truth = try #require(fleet.instances(host: 0, className: "Win32_Service"))
                .filter { $0["State"] == .string("Running") && $0["StartMode"] != .string("Disabled") }
                .compactMap { $0["Name"]?.stringValue }
            #expect(!names.isEmpty)
            #expect(Set(names) == Set(truth))
        }
    }

    @Test func getByKeyReturnsTheInstanceAndAMissingKeyIsAFault() async throws {
        try await FleetFixture.withFleet { fleet, transport in
            let session = try FleetFixture.session(fleet, transport)
            let truth = try #require(fleet.instances(host: 0, className: "Win32_Service")?.first)
            let name = try #require(truth["Name"]?.stringValue)
            let item = try await session.get(className: "Win32_Service", keys: [("Name", name)])
            #expect(item.instance?.properties == truth.properties)
            await #expect {
                _ = try await session.get(className: "Win32_Service", keys: [("Name", "NoSuchService")])
            } throws: { error in
                (error as? CimSessionError)?.fault?.subcode?.localName == "InvalidSelectors"
            }
        }
    }

    @Test func stoppingEarlyReleasesTheEnumerationContext() async throws {
        try await FleetFixture.withFleet { fleet, transport in
            var options = FleetFixture.options(for: fleet.hosts[0])
            options.maxElements = 5
            let session = try FleetFixture.session(fleet, transport, options: options)
            let events = fleet.events()
            var taken = 0
            for try await _ in session.enumerate(className: "Win32_Process") {
                taken += 1
                if taken == 7 { break }
            }
            #expect(taken == 7)
            var sawRelease = false
            for await event in events where event.operation == .release {
                #expect(event.outcome == .ok)
                sawRelease = true
                break
            }
            #expect(sawRelease)
        }
    }

    @Test func aSmallEnvelopeSplitsTheBatchesAndStillGetsEverything() async throws {
        try await FleetFixture.withFleet { fleet, transport in
            var options = FleetFixture.options(for: fleet.hosts[0])
            options.maxEnvelopeSize = 16_384
            options.maxElements = 500
            let session = try FleetFixture.session(fleet, transport, options: options)
            let events = fleet.events()
            var count = 0
            for try await _ in session.enumerate(className: "Win32_Process") { count += 1 }
            #expect(count == fleet.instances(host: 0, className: "Win32_Process")?.count)
            // The Identify marks the end of the enumeration's events, so the loop below always ends.
            _ = try await session.identify()
            var pulls = 0
            for await event in events {
                if event.operation == .identify { break }
                if event.operation == .pull, event.outcome == .ok { pulls += 1 }
            }
            #expect(pulls >= 2, "500 processes do not fit one 16 kB envelope, so the host must answer in several Pulls")
        }
    }

    @Test func anExpiredContextEndsTheSequenceWithAClearError() async throws {
        var configuration = FleetFixture.configuration()
        configuration.faults = FaultPlan(assigned: [0: .expire])
        try await FleetFixture.withFleet(configuration) { fleet, transport in
            var options = FleetFixture.options(for: fleet.hosts[0])
            options.maxElements = 10
            let session = try FleetFixture.session(fleet, transport, options: options)
            await #expect {
                for try await _ in session.enumerate(className: "Win32_Process") {}
            } throws: { error in
                guard let error = error as? CimSessionError, case .enumerationContextExpired = error.reason else { return false }
                return error.operation == .pull && "\(error)".contains("expired")
            }
        }
    }

    @Test func wrongPasswordIsUnauthorizedWithTheOfferedSchemesAndNeverLogged() async throws {
        let log = CapturedLog()
        try await FleetFixture.withFleet(logger: log.logger) { fleet, transport in
            let wrong = "Wr0ng-" + FleetFixture.password
            let session = try FleetFixture.session(fleet, transport, password: wrong, logger: log.logger)
            await #expect {
                for try await _ in session.enumerate(className: "Win32_BIOS") {}
            } throws: { error in
                guard let error = error as? CimSessionError, case .unauthorized(let offered) = error.reason else { return false }
                return offered.contains("Negotiate") && !"\(error)".contains(wrong)
            }
            let good = try FleetFixture.session(fleet, transport, logger: log.logger)
            for try await _ in good.enumerate(className: "Win32_BIOS") {}
            #expect(!log.allText.isEmpty)
            #expect(!log.allText.contains(wrong))
            #expect(!log.allText.contains(FleetFixture.password))
        }
    }

    @Test func anUnknownClassIsAFaultNamingTheHost() async throws {
        try await FleetFixture.withFleet { fleet, transport in
            let session = try FleetFixture.session(fleet, transport)
            await #expect {
                for try await _ in session.enumerate(className: "Win32_NoSuchClass") {}
            } throws: { error in
                guard let error = error as? CimSessionError, let fault = error.fault else { return false }
                return error.operation == .enumerate && !fault.isTransient && "\(error)".hasPrefix(fleet.hosts[0].address)
            }
        }
    }

    @Test(arguments: [FaultPlan.Kind.http500, .reset, .truncate, .malformed])
    func injectedFaultsBecomeTypedErrors(_ kind: FaultPlan.Kind) async throws {
        var configuration = FleetFixture.configuration()
        configuration.faults = FaultPlan(assigned: [0: kind])
        try await FleetFixture.withFleet(configuration) { fleet, transport in
            let session = try FleetFixture.session(fleet, transport)
            await #expect {
                for try await _ in session.enumerate(className: "Win32_Process") {}
            } throws: { error in
                guard let error = error as? CimSessionError else { return false }
                switch (kind, error.reason) {
                case (.http500, .fault), (.reset, .transport), (.truncate, .malformedResponse), (.truncate, .transport),
                     (.malformed, .malformedResponse):
                    return error.isTransient || kind == .malformed
                default:
                    Issue.record("\(kind) gave \(error)")
                    return false
                }
            }
        }
    }

    @Test func aHostThatNeverAnswersTimesOut() async throws {
        var configuration = FleetFixture.configuration()
        configuration.faults = FaultPlan(assigned: [0: .hang])
        try await FleetFixture.withFleet(configuration) { fleet, transport in
            var options = FleetFixture.options(for: fleet.hosts[0])
            options.operationTimeout = .seconds(1)
            options.httpTimeoutMargin = .milliseconds(500)
            let session = try FleetFixture.session(fleet, transport, options: options)
            await #expect {
                _ = try await session.identify()
            } throws: { error in
                guard let error = error as? CimSessionError, case .transport(let transportError) = error.reason else { return false }
                return transportError.phase == .timeout && error.isTransient
            }
        }
    }
}
