import CIM
import CIMModel
import Collector
import Foundation
import Inventory
import Simulator
import Testing
import Transport

@Suite struct CollectorSweepTests {
    @Test func everyHostAndClassIsObservedAndFailuresAreClassified() async throws {
        let configuration = SweepFixture.configuration(hosts: 6, faults: [1: .auth, 2: .http500, 3: .reset, 4: .quota])
        try await SweepFixture.with(configuration) { fixture in
            let events = EventLog()
            let summary = try await fixture.sweep(fixture.plan()) { events.record($0) }
            let classes = CollectionProfile.builtinDefault.classes
            let observed = try fixture.observations(summary.snapshot)
            #expect(observed.count == 6)
            #expect(observed.values.allSatisfy { $0.count == classes.count })
            #expect(summary.status == .partial)

            // Healthy hosts, and the quota host once retried, hold exactly what the hosts hold.
            for index in [0, 4, 5] {
                let host = fixture.fleet.hosts[index].address
                for spec in classes {
                    let observation = try #require(observed[host]?[spec.className])
                    #expect(observation.status == .ok, "\(host) \(spec.className): \(observation.errorDetail ?? "")")
                    let truth = fixture.fleet.instances(host: index, className: spec.className) ?? []
                    #expect(observation.instanceCount == truth.count, "\(host) \(spec.className)")
                    let stored = try fixture.store.instances(snapshot: summary.snapshot, host: host, namespace: spec.namespace,
                                                              className: spec.className)
                    #expect(stored.count == truth.count)
                }
            }
            let retried = events.all.compactMap { event -> String? in
                if case .retrying(let host, _, _, _, let failure) = event { return host + " " + failure.kind }
                return nil
            }
            #expect(retried.contains(fixture.fleet.hosts[4].address + " quota"))

            // 401 is never retried; the host's other classes are not even tried.
            let authHost = try #require(observed[fixture.fleet.hosts[1].address])
            #expect(authHost.values.allSatisfy { $0.status == .failed && $0.errorKind == "auth" })
            #expect(authHost.values.filter { $0.errorDetail?.hasPrefix("not tried") == true }.count == classes.count - 1)
            #expect(!retried.contains { $0.hasPrefix(fixture.fleet.hosts[1].address + " ") })

            // HTTP 500 and dropped connections are transient: retried, then recorded with their kind.
            #expect(observed[fixture.fleet.hosts[2].address]!.values.allSatisfy { $0.status == .failed && $0.errorKind == "fault" })
            #expect(observed[fixture.fleet.hosts[3].address]!.values.allSatisfy { $0.status == .failed && $0.errorKind == "connection" })
            #expect(retried.contains(fixture.fleet.hosts[2].address + " fault"))
            #expect(retried.contains(fixture.fleet.hosts[3].address + " connection"))
            #expect(summary.hostsComplete == 3 && summary.hostsFailed == 3)
        }
    }

    @Test func aRefusedCredentialFallsBackToTheNextSet() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 2)) { fixture in
            var profile = CollectionProfile.builtinDefault
            profile.credentials = ["old", "current"]
            let plan = fixture.plan(profile: profile, credentials: .ambient, credentialSets: [
                "old": .password(Credential(username: SweepFixture.user, secret: "rotated-away")),
                "current": .password(Credential(username: SweepFixture.user, secret: SweepFixture.password)),
            ])
            let summary = try await fixture.sweep(plan)
            #expect(summary.status == .complete)
            #expect(summary.hostsComplete == 2)
        }
    }

    @Test func anUnchangedResweepBarelyGrowsTheDatabaseAndDriftDoes() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 8)) { fixture in
            let first = try await fixture.sweep(fixture.plan())
            try fixture.store.checkpoint()
            let afterFirst = fixture.store.fileSize()
            let second = try await fixture.sweep(fixture.plan())
            try fixture.store.checkpoint()
            let afterSecond = fixture.store.fileSize()
            #expect(first.instances == second.instances && first.instances > 8 * 300)
            let growth = Double(afterSecond - afterFirst) / Double(afterFirst)
            #expect(growth < 0.02, "unchanged re-sweep grew the database by \(growth * 100)% (\(afterFirst) → \(afterSecond) bytes)")

            _ = fixture.fleet.tick()
            _ = try await fixture.sweep(fixture.plan())
            try fixture.store.checkpoint()
            #expect(fixture.store.fileSize() > afterSecond, "drifted data must be stored")
        }
    }

    @Test func theSweepDeadlineRecordsEveryUnfinishedClass() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 3, faults: [0: .hang])) { fixture in
            var options = SweepFixture.fastRetries
            options.sweepDeadline = .milliseconds(1500)
            let summary = try await fixture.sweep(fixture.plan(), options: options)
            #expect(summary.status == .partial)
            #expect(summary.stopReason == .deadline(.milliseconds(1500)))
            let observed = try fixture.observations(summary.snapshot)
            #expect(observed.values.allSatisfy { $0.count == CollectionProfile.builtinDefault.classes.count })
            let hung = try #require(observed[fixture.fleet.hosts[0].address])
            #expect(hung.values.allSatisfy { $0.status == .failed && $0.errorKind == "deadline" })
        }
    }

    @Test func aHostDeadlineStopsOneSickHostOnly() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 2, faults: [1: .hang])) { fixture in
            var options = SweepFixture.fastRetries
            options.hostDeadline = .milliseconds(800)
            let summary = try await fixture.sweep(fixture.plan(), options: options)
            let observed = try fixture.observations(summary.snapshot)
            #expect(observed[fixture.fleet.hosts[1].address]?.values.allSatisfy { $0.errorKind == "host-deadline" } == true)
            #expect(summary.stopReason == nil)
            #expect(summary.status == .partial)
        }
    }

    @Test func aStopRecordsUnvisitedHostsAsStopped() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 5)) { fixture in
            var options = SweepFixture.fastRetries
            options.throttle = 1
            let stop = SweepStop()
            // Stop as soon as the first host is done: the other four are never visited.
            let summary = try await fixture.sweep(fixture.plan(), options: options, stop: stop) { event in
                if case .hostFinished = event { stop.request(.signal("SIGTERM")) }
            }
            #expect(summary.status == .partial)
            let observed = try fixture.observations(summary.snapshot)
            #expect(observed.count == 5)
            let stopped = observed.values.filter { $0.values.allSatisfy { $0.errorKind == "stopped" } }
            #expect(stopped.count >= 3)
            #expect(observed.values.contains { $0.values.allSatisfy { $0.status == .ok } })
        }
    }
}
