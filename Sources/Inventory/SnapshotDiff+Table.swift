import CIMModel

extension SnapshotDiff {
    /// A terminal listing grouped by host, then class: a header naming both sides and the counts,
    /// then per host that is not unchanged `+` added, `-` removed and `~` changed instances (each
    /// changed property on its own line, `old → new` as JSON text, `(absent)` for a property the
    /// instance did not carry), and `!` per failed class with the snapshot compared instead.
    /// - Parameter colored: ANSI colours (green added, red removed and failed, yellow changed, bold
    ///   hosts); the CLI turns them on only on a terminal and never with `NO_COLOR`.
    public func tableText(colored: Bool = false) -> String {
        let paint = Paint(enabled: colored)
        let c = counts
        var lines = ["\(Self.sideText(from)) → \(Self.sideText(to))",
                     "\(c.changed) changed, \(c.unchanged) unchanged, \(c.appeared) appeared, \(c.disappeared) disappeared, "
                     + "\(c.failed) failed hosts; instances +\(c.added) -\(c.removed) ~\(c.modified)"
                     + (includesVolatile ? " (volatile properties included)" : " (volatile properties ignored)")]
        for host in hosts where host.status != .unchanged {
            lines.append("")
            let status = switch host.status {
            case .appeared: paint.green(host.status.rawValue)
            case .disappeared, .failed: paint.red(host.status.rawValue)
            case .changed, .unchanged: paint.yellow(host.status.rawValue)
            }
            lines.append(paint.bold(host.host) + "  " + status + (host.instanceCount.map { "  (\($0) instances)" } ?? ""))
            for failure in host.failures {
                let compared = failure.lastGoodSnapshot.map { "compared on snapshot \($0)" } ?? "no earlier data to compare"
                lines.append(paint.red("  ! \(failure.namespace) \(failure.className): \(failure.errorKind ?? "failed")"
                                       + (failure.errorDetail.map { " (\($0))" } ?? "")) + "; \(compared)")
            }
            for cls in host.classes {
                var title = "  \(cls.namespace) \(cls.className)"
                if let snapshot = cls.fromSnapshot { title += "  [old side from snapshot \(snapshot)]" }
                if let snapshot = cls.toSnapshot { title += "  [new side from snapshot \(snapshot)]" }
                lines.append(title)
                for record in cls.added { lines.append(paint.green("    + " + Self.label(record))) }
                for record in cls.removed { lines.append(paint.red("    - " + Self.label(record))) }
                for change in cls.changed {
                    lines.append(paint.yellow("    ~ " + Self.identityText(change.identity)))
                    let width = change.changes.map(\.name.count).max() ?? 0
                    for property in change.changes {
                        lines.append("        " + property.name.padding(toLength: width, withPad: " ", startingAt: 0)
                                     + "  \(Self.shown(property.old)) → \(Self.shown(property.new))")
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func sideText(_ side: Side) -> String {
        let reference = side.reference.description
        let named = reference == "\(side.snapshot)" ? "" : " (\(reference))"
        return "snapshot \(side.snapshot)\(named) of \(StoreTime.text(side.startedAt))"
    }

    /// The identity, and the instance's Name (or Caption) when the identity does not already say it:
    /// `Handle="4242";CreationDate="…"  notepad.exe`.
    static func label(_ record: IdentifiedInstance) -> String {
        let identity = identityText(record.identity)
        let named = record.identity?.map { $0.name.lowercased() } ?? []
        for name in ["Name", "Caption"] where !named.contains(name.lowercased()) {
            if case .string(let text)? = record.instance[name], !text.isEmpty { return identity + "  " + text }
        }
        return identity
    }
}

/// ANSI SGR colours, or plain text when disabled.
struct Paint {
    let enabled: Bool
    func bold(_ text: String) -> String { wrap(text, "1") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    private func wrap(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
}
