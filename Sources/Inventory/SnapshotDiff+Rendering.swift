import CIMModel
import Foundation

// The diff's output formats. The JSON shape is documented in docs/DIFF.md and checked against the
// simulator's drift truth; change both together.

extension SnapshotDiff {
    /// Counts for the summary line and the JSON `summary` object.
    public var counts: (changed: Int, unchanged: Int, appeared: Int, disappeared: Int, failed: Int,
                        added: Int, removed: Int, modified: Int) {
        var c = (changed: 0, unchanged: 0, appeared: 0, disappeared: 0, failed: 0, added: 0, removed: 0, modified: 0)
        for host in hosts {
            switch host.status {
            case .changed: c.changed += 1
            case .unchanged: c.unchanged += 1
            case .appeared: c.appeared += 1
            case .disappeared: c.disappeared += 1
            case .failed: c.failed += 1
            }
            for cls in host.classes {
                c.added += cls.added.count
                c.removed += cls.removed.count
                c.modified += cls.changed.count
            }
        }
        return c
    }

    /// The whole diff as one JSON document (docs/DIFF.md).
    public func jsonText() -> String {
        var w = CimJSONWriter(style: .wire, reservingCapacity: 1 << 16)
        let c = counts
        w.append(rawJSON: "{\"from\":"); side(from, &w)
        w.append(rawJSON: ",\"to\":"); side(to, &w)
        w.append(rawJSON: ",\"includeVolatile\":\(includesVolatile)")
        w.append(rawJSON: ",\"summary\":{\"hostsChanged\":\(c.changed),\"hostsUnchanged\":\(c.unchanged),\"hostsAppeared\":\(c.appeared)")
        w.append(rawJSON: ",\"hostsDisappeared\":\(c.disappeared),\"hostsFailed\":\(c.failed),\"instancesAdded\":\(c.added)")
        w.append(rawJSON: ",\"instancesRemoved\":\(c.removed),\"instancesChanged\":\(c.modified)}")
        w.append(rawJSON: ",\"hosts\":[")
        for (index, host) in hosts.filter({ $0.status != .unchanged }).enumerated() {
            if index > 0 { w.append(rawJSON: ",") }
            hostJSON(host, &w)
        }
        w.append(rawJSON: "],\"unchanged\":[")
        for (index, host) in hosts.filter({ $0.status == .unchanged }).enumerated() {
            if index > 0 { w.append(rawJSON: ",") }
            w.write(string: host.host)
        }
        w.append(rawJSON: "]}")
        return w.text
    }

    /// One JSON object per line: a line per host that is not unchanged, then a line per instance
    /// added, removed or changed (docs/DIFF.md).
    public func ndjsonLines() -> [String] {
        var lines: [String] = []
        var w = CimJSONWriter(style: .wire, reservingCapacity: 4096)
        for host in hosts where host.status != .unchanged {
            w.reset()
            hostHeader(host, &w)
            w.append(rawJSON: "}")
            lines.append(w.text)
            for cls in host.classes {
                func line(_ change: String, _ body: (inout CimJSONWriter) -> Void) {
                    w.reset()
                    w.append(rawJSON: "{\"host\":"); w.write(string: host.host)
                    w.append(rawJSON: ",\"namespace\":"); w.write(string: cls.namespace)
                    w.append(rawJSON: ",\"class\":"); w.write(string: cls.className)
                    w.append(rawJSON: ",\"change\":\"\(change)\",")
                    body(&w)
                    w.append(rawJSON: "}")
                    lines.append(w.text)
                }
                for instance in cls.removed { line("removed") { Self.instanceBody(instance, &$0) } }
                for instance in cls.added { line("added") { Self.instanceBody(instance, &$0) } }
                for change in cls.changed { line("changed") { Self.changeBody(change, &$0) } }
            }
        }
        return lines
    }

    private func side(_ side: Side, _ w: inout CimJSONWriter) {
        w.append(rawJSON: "{\"ref\":"); w.write(string: side.reference.description)
        w.append(rawJSON: ",\"snapshot\":\(side.snapshot.rawValue),\"startedAt\":"); w.write(string: StoreTime.text(side.startedAt))
        w.append(rawJSON: "}")
    }

    private func hostHeader(_ host: HostDiff, _ w: inout CimJSONWriter) {
        w.append(rawJSON: "{\"host\":"); w.write(string: host.host)
        w.append(rawJSON: ",\"status\":\"\(host.status.rawValue)\"")
        if let count = host.instanceCount { w.append(rawJSON: ",\"instanceCount\":\(count)") }
        w.append(rawJSON: ",\"failures\":[")
        for (index, failure) in host.failures.enumerated() {
            if index > 0 { w.append(rawJSON: ",") }
            w.append(rawJSON: "{\"namespace\":"); w.write(string: failure.namespace)
            w.append(rawJSON: ",\"class\":"); w.write(string: failure.className)
            w.append(rawJSON: ",\"errorKind\":"); w.write(failure.errorKind.map(CimValue.string) ?? .null)
            w.append(rawJSON: ",\"errorDetail\":"); w.write(failure.errorDetail.map(CimValue.string) ?? .null)
            w.append(rawJSON: ",\"lastGoodSnapshot\":"); w.append(rawJSON: failure.lastGoodSnapshot.map { "\($0.rawValue)" } ?? "null")
            w.append(rawJSON: "}")
        }
        w.append(rawJSON: "]")
    }

    private func hostJSON(_ host: HostDiff, _ w: inout CimJSONWriter) {
        hostHeader(host, &w)
        w.append(rawJSON: ",\"classes\":[")
        for (index, cls) in host.classes.enumerated() {
            if index > 0 { w.append(rawJSON: ",") }
            w.append(rawJSON: "{\"namespace\":"); w.write(string: cls.namespace)
            w.append(rawJSON: ",\"class\":"); w.write(string: cls.className)
            if let snapshot = cls.fromSnapshot { w.append(rawJSON: ",\"fromSnapshot\":\(snapshot.rawValue)") }
            if let snapshot = cls.toSnapshot { w.append(rawJSON: ",\"toSnapshot\":\(snapshot.rawValue)") }
            for (label, instances) in [("added", cls.added), ("removed", cls.removed)] {
                w.append(rawJSON: ",\"\(label)\":[")
                for (i, instance) in instances.enumerated() {
                    if i > 0 { w.append(rawJSON: ",") }
                    w.append(rawJSON: "{"); Self.instanceBody(instance, &w); w.append(rawJSON: "}")
                }
                w.append(rawJSON: "]")
            }
            w.append(rawJSON: ",\"changed\":[")
            for (i, change) in cls.changed.enumerated() {
                if i > 0 { w.append(rawJSON: ",") }
                w.append(rawJSON: "{"); Self.changeBody(change, &w); w.append(rawJSON: "}")
            }
            w.append(rawJSON: "]}")
        }
        w.append(rawJSON: "]}")
    }

    /// `"identity":{…}|null,"properties":{…}` for an added or removed instance.
    static func instanceBody(_ record: IdentifiedInstance, _ w: inout CimJSONWriter) {
        w.append(rawJSON: "\"identity\":")
        if let identity = record.identity { w.write(properties: identity) } else { w.append(rawJSON: "null") }
        w.append(rawJSON: ",\"properties\":"); w.write(properties: record.instance.properties)
    }

    /// `"identity":{…}|null,"properties":{"Name":{"old":…,"new":…}}`; a side without the property
    /// has no `old` or `new` key (distinct from a null value).
    static func changeBody(_ change: InstanceChange, _ w: inout CimJSONWriter) {
        w.append(rawJSON: "\"identity\":")
        if let identity = change.identity { w.write(properties: identity) } else { w.append(rawJSON: "null") }
        w.append(rawJSON: ",\"properties\":{")
        for (index, property) in change.changes.enumerated() {
            if index > 0 { w.append(rawJSON: ",") }
            w.write(string: property.name); w.append(rawJSON: ":{")
            var needsComma = false
            if let old = property.old { w.append(rawJSON: "\"old\":"); w.write(old); needsComma = true }
            if let new = property.new { if needsComma { w.append(rawJSON: ",") }; w.append(rawJSON: "\"new\":"); w.write(new) }
            w.append(rawJSON: "}")
        }
        w.append(rawJSON: "}")
    }
}

extension SnapshotDiff {
    /// RFC 4180 CSV, one row per changed property, added or removed instance, or host status:
    /// `host,status,namespace,class,change,identity,property,old,new`. Values are their JSON text,
    /// except strings, which are written bare.
    public func csvText() -> String {
        var rows = [["host", "status", "namespace", "class", "change", "identity", "property", "old", "new"]]
        for host in hosts where host.status != .unchanged {
            if host.classes.isEmpty || !host.failures.isEmpty {
                rows.append([host.host, host.status.rawValue, "", "", "", "", "", "", ""])
            }
            for cls in host.classes {
                let prefix = [host.host, host.status.rawValue, cls.namespace, cls.className]
                for record in cls.removed { rows.append(prefix + ["removed", Self.identityText(record.identity), "", "", ""]) }
                for record in cls.added { rows.append(prefix + ["added", Self.identityText(record.identity), "", "", ""]) }
                for change in cls.changed {
                    for property in change.changes {
                        rows.append(prefix + ["changed", Self.identityText(change.identity), property.name,
                                              Self.cellText(property.old), Self.cellText(property.new)])
                    }
                }
            }
        }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func identityText(_ identity: [CimProperty]?) -> String {
        guard let identity else { return "(whole instance)" }
        if identity.isEmpty { return "(singleton)" }
        return identity.map { "\($0.name)=\($0.value.jsonText())" }.joined(separator: ";")
    }

    static func cellText(_ value: CimValue?) -> String {
        guard let value else { return "" }
        if case .string(let text) = value { return text }
        return value.jsonText()
    }

    static func shown(_ value: CimValue?) -> String { value.map { $0.jsonText() } ?? "(absent)" }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
