import Collector
import Foundation
import Synchronization

/// Shows a sweep to the operator: a live progress line on a terminal (stderr), nothing while it runs
/// otherwise, and one summary line at the end.
final class SweepReporter: Sendable {
    private struct State {
        var done = 0
        var failed = 0
        var partial = 0
        var instances = 0
        var lastDraw: ContinuousClock.Instant?
    }

    private let total: Int
    private let started = ContinuousClock.now
    private let live: Bool
    private let state = Mutex(State())

    /// - Parameter live: draw the progress line (stderr is a terminal and logs are not JSON).
    init(totalHosts: Int, live: Bool) {
        total = totalHosts
        self.live = live
    }

    /// Takes one event (from any task).
    func handle(_ event: SweepEvent) {
        guard case .hostFinished(let outcome) = event else { return }
        let line: String? = state.withLock { state in
            state.done += 1
            if outcome.isFailed { state.failed += 1 } else if !outcome.isComplete { state.partial += 1 }
            state.instances += outcome.instances
            guard live else { return nil }
            let now = ContinuousClock.now
            if let last = state.lastDraw, now - last < .milliseconds(100), state.done < total { return nil }
            state.lastDraw = now
            return progressLine(state, now: now)
        }
        if let line { FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8)) }
    }

    /// Clears the progress line before the summary is printed.
    func finish() {
        if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func progressLine(_ state: State, now: ContinuousClock.Instant) -> String {
        let elapsed = now - started
        let seconds = max(Double(elapsed / .milliseconds(1)) / 1000, 0.001)
        let width = 24
        let filled = total == 0 ? width : width * state.done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var parts = ["\(bar) \(state.done)/\(total) hosts"]
        if state.failed > 0 { parts.append("\(state.failed) failed") }
        if state.partial > 0 { parts.append("\(state.partial) partial") }
        parts.append("\(state.instances) instances")
        parts.append("\(Int(Double(state.instances) / seconds))/s")
        if state.done > 0, state.done < total {
            let remaining = elapsed * (Double(total - state.done) / Double(state.done))
            parts.append("ETA \(DurationText.format(remaining))")
        }
        return parts.joined(separator: " · ")
    }

    /// The one line cron mails: what was swept, how it went, where it is.
    static func summaryLine(_ summary: SweepSummary, database: String) -> String {
        var text = "snapshot \(summary.snapshot) \(summary.status.rawValue): \(summary.hostsComplete)/\(summary.plannedHosts) hosts complete"
        if summary.hostsPartial > 0 { text += ", \(summary.hostsPartial) partial" }
        if summary.hostsFailed > 0 { text += ", \(summary.hostsFailed) failed" }
        let kinds = summary.failureKinds
        if !kinds.isEmpty { text += " (" + kinds.map { "\($0.kind): \($0.count)" }.joined(separator: ", ") + ")" }
        text += "; \(summary.instances) instances in \(DurationText.format(summary.duration)) → \(database)"
        switch summary.stopReason {
        case .signal(let name)?: text += "; stopped by \(name)"
        case .deadline(let limit)?: text += "; --deadline \(DurationText.format(limit)) passed"
        case .cancelled?: text += "; cancelled"
        case nil: break
        }
        return text
    }
}
