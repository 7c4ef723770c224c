import ArgumentParser
import CIM
import CMalloc
import Collector
import Foundation
import Inventory
import Logging
import Transport

/// `cimsweep collect`: one sweep of a host list into one snapshot, safe to run from cron.
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Sweep a host list into one snapshot of the database (cron-safe).",
        discussion: """
        Every host × class gets an observation, failures included, committed as it completes: a
        killed sweep keeps what it finished. One sweep at a time per database (a lock next to it).
        On a terminal a progress line shows on stderr; otherwise the run prints one summary line.
        SIGTERM or SIGINT stops gracefully: in-flight writes finish and the snapshot is partial.

        Example crontab line (hourly; credentials from a 0600 file, never in argv):
          0 * * * *  cimsweep collect --hosts /etc/cimsweep/hosts --db /var/lib/cimsweep/inventory.db \\
                       --credential-file /etc/cimsweep/ops.cred --deadline 50m --log-format json 2>>/var/log/cimsweep.log

        \(ExitCodes.helpText)
        """
    )

    @Option(help: "The hosts file: one host per line (name, name:port, or https://name:5986), optional tags, # comments.")
    var hosts: String

    @Option(help: "The profile to sweep with (default: the built-in 'default').")
    var profile = "default"

    @Option(help: "A TOML file of profiles and credential sets (default: $CIMSWEEP_CONFIG when set).")
    var config: String?

    @OptionGroup var database: DatabaseOption

    @Option(help: "Hosts in flight at once.")
    var throttle = 32

    @Option(name: .customLong("operations-per-host"), help: "Operations in flight on one host (each uses its own connection).")
    var operationsPerHost = 1

    @Option(help: "Retries of a transient failure (connect, reset, 5xx, timeout, quota), with exponential backoff and jitter.")
    var retries = 2

    @Option(help: "Stop the whole sweep after this long (e.g. 50m); unfinished hosts are recorded as failed.")
    var deadline: String?

    @Option(name: .customLong("host-deadline"), help: "Give up on one host after this long.")
    var hostDeadline = "10m"

    @Flag(help: "Wait for another sweep on the same database to finish instead of exiting with status 75.")
    var wait = false

    @Option(help: "Sweep repeatedly at this interval (e.g. 15m) until SIGTERM or SIGINT; for hosts without cron.")
    var every: String?

    @Flag(name: .customLong("no-progress"), help: "No progress line, even on a terminal.")
    var noProgress = false

    @OptionGroup var session: SessionFlags
    @OptionGroup var logging: LoggingFlags

    func validate() throws {
        guard throttle >= 1 else { throw ValidationError("--throttle must be at least 1") }
        guard operationsPerHost >= 1 else { throw ValidationError("--operations-per-host must be at least 1") }
        guard retries >= 0 else { throw ValidationError("--retries cannot be negative") }
        for (flag, value) in [("--deadline", deadline), ("--host-deadline", hostDeadline), ("--every", every)] {
            if let value, DurationText.parse(value) == nil { throw ValidationError("\(flag): expected a duration such as 90s, 15m or 2h") }
        }
    }

    func run() async throws {
        // glibc gives every thread that meets contention its own malloc arena (up to 8 per core) and
        // keeps freed memory in each; a sweep allocates on many Dispatch threads. Four arenas keep
        // peak RSS near what two give (two made threads queue on arena locks: ~8% more CPU).
        mallopt(M_ARENA_MAX, 4)
        // The largest buffers (a response waiting to be parsed, a big result set) come and go per
        // host in flight; mapped on their own they go back to the system when freed instead of
        // fragmenting the arenas. 512 KB: peak RSS at 1,000 hosts, --throttle 200, ~190 -> ~175 MB
        // for the same CPU; 128-256 KB saved more memory but cost 5-10 % more CPU in mmap/munmap.
        mallopt(M_MMAP_THRESHOLD, 512 << 10)
        let logger = logging.makeLogger()
        let plan = try makePlan(logger: logger)
        var options = CollectorOptions()
        options.throttle = throttle
        options.operationsPerHost = operationsPerHost
        options.retries = retries
        options.hostDeadline = DurationText.parse(hostDeadline) ?? options.hostDeadline
        options.sweepDeadline = deadline.flatMap(DurationText.parse)
        let store = try openStore()
        let signals = TerminationSignals()
        let shutdown = Shutdown()
        let consumer = shutdown.consume(signals) { name in
            logger.notice("stopping: finishing in-flight writes", metadata: ["signal": "\(name)"])
        }
        defer {
            consumer.cancel()
            signals.cancel()
        }
        let interval = every.flatMap(DurationText.parse)

        let status = try await Transport.withTransport(options.transportConfiguration, logger: logger) { transport in
            let collector = Collector(transport: transport, store: store, options: options, logger: logger)
            var status = ExitCodes.success
            while true {
                let started = ContinuousClock.now
                status = await sweepOnce(collector, plan: plan, stop: shutdown.stopForNextSweep())
                guard let interval, !shutdown.isRequested else { break }
                let next = started + interval
                logger.info("next sweep", metadata: ["in": "\(DurationText.format(max(next - ContinuousClock.now, .zero)))"])
                guard await shutdown.pause(until: next) else { break }
            }
            return status
        }
        if status != ExitCodes.success { throw status }
    }

    /// One sweep under the lock, with signals wired to a graceful stop.
    private func sweepOnce(_ collector: Collector, plan: SweepPlan, stop: SweepStop) async -> ExitCode {
        let lock: SweepLock
        do { lock = try await SweepLock.acquire(databasePath: database.path, mode: wait ? .wait : .failIfHeld) } catch {
            CLIErrors.printError("\(error)")
            return error.kind == .locked ? ExitCodes.lockHeld : ExitCodes.failure
        }
        defer { lock.release() }
        let live = !noProgress && logging.logFormat == .text && isatty(STDERR_FILENO) == 1
        let reporter = SweepReporter(totalHosts: plan.hosts.count, live: live)
        let summary: SweepSummary
        do {
            summary = try await collector.sweep(plan, lock: lock, stop: stop) { reporter.handle($0) }
        } catch {
            reporter.finish()
            CLIErrors.printError("\(error)")
            return ExitCodes.failure
        }
        reporter.finish()
        print(SweepReporter.summaryLine(summary, database: database.path))
        switch summary.status {
        case .complete: return ExitCodes.success
        case .failed: return ExitCodes.nothingCollected
        default: return ExitCodes.partial
        }
    }

    private func makePlan(logger: Logger) throws -> SweepPlan {
        let hostsText: String
        do { hostsText = try String(contentsOfFile: hosts, encoding: .utf8) } catch {
            throw ValidationError("--hosts \(hosts): cannot read it (\(error.localizedDescription))")
        }
        let targets: [HostTarget]
        do { targets = try HostsFile.parse(hostsText) } catch { throw ValidationError("--hosts \(hosts): \(error)") }
        guard !targets.isEmpty else { throw ValidationError("--hosts \(hosts) lists no hosts") }
        let configuration = try loadConfiguration()
        let chosen: CollectionProfile
        do { chosen = try configuration.profile(named: profile) } catch { throw ValidationError("\(error)") }
        chosen.warnings.forEach { logger.warning("\($0)") }
        var credentialSets: [String: CimCredentials] = [:]
        let names = Set(chosen.credentials + chosen.groups.values.flatMap(\.credentials))
        for name in names.sorted() {
            guard let set = configuration.credentialSets[name] else { continue }
            do { credentialSets[name] = try set.resolve() } catch { throw ValidationError("\(error)") }
        }
        return SweepPlan(hosts: targets, profile: chosen, baseOptions: session.sessionOptions,
                         overrides: session.explicitSettings, credentialSets: credentialSets,
                         defaultCredentials: chosen.credentials.isEmpty ? try session.credentials() : .ambient)
    }

    private func loadConfiguration() throws -> CollectorConfiguration {
        guard let path = config ?? ProcessInfo.processInfo.environment["CIMSWEEP_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return CollectorConfiguration()
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("--config \(path): cannot read it (\(error.localizedDescription))")
        }
        do { return try CollectorConfiguration(toml: text, source: path) } catch { throw ValidationError("\(error)") }
    }

    private func openStore() throws -> SnapshotStore {
        do { return try SnapshotStore(path: database.path, memoryMap: 0) } catch {
            CLIErrors.printError("\(error)")
            throw ExitCodes.failure
        }
    }
}
