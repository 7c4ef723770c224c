import CIMModel
import Foundation

/// Prints instances on stdout in the chosen format. JSON and NDJSON stream as instances arrive;
/// table and CSV wait for the last one, since their columns depend on every row.
struct InstancePrinter {
    let format: OutputFormat
    private var buffered: [CimInstance] = []
    private var printedAny = false
    private var writer = CimJSONWriter(style: .wire)

    init(format: OutputFormat) { self.format = format }

    mutating func print(_ instance: CimInstance) {
        switch format {
        case .json:
            writer.reset()
            writer.write(instance)
            Output.write((printedAny ? ",\n  " : "[\n  ") + writer.text)
        case .ndjson:
            writer.reset()
            writer.write(instance)
            Output.write(writer.text + "\n")
        case .table, .csv:
            buffered.append(instance)
        }
        printedAny = true
    }

    mutating func finish() {
        switch format {
        case .json: Output.write(printedAny ? "\n]\n" : "[]\n")
        case .ndjson: break
        case .csv: Output.write(CSVTable(instances: buffered).rendered)
        case .table: Output.write(Self.table(buffered))
        }
    }

    /// Columns when the instances are narrow enough to read across; one block per instance otherwise.
    private static func table(_ instances: [CimInstance]) -> String {
        let columns = columnNames(instances)
        guard !instances.isEmpty else { return "" }
        if columns.count <= 8 {
            let rows = instances.map { instance in columns.map { instance[$0].map(displayText) ?? "" } }
            return TextTable(header: ["HOST"] + columns, rows: zip(instances, rows).map { [$0.host ?? ""] + $1 }).rendered + "\n"
        }
        let width = columns.map(\.count).max() ?? 0
        return instances.map { instance in
            var lines = ["\(instance.className) on \(instance.host ?? "?")"]
            for property in instance.properties {
                lines.append("  " + property.name.padding(toLength: width, withPad: " ", startingAt: 0) + " : "
                             + displayText(property.value))
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }

    /// Property names in first-seen order across all instances (polymorphic results add columns).
    static func columnNames(_ instances: [CimInstance]) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for instance in instances {
            for property in instance.properties where seen.insert(property.name.lowercased()).inserted {
                names.append(property.name)
            }
        }
        return names
    }

    /// A value as a person reads it: arrays in braces like PowerShell, null as empty.
    static func displayText(_ value: CimValue) -> String {
        switch value {
        case .null: ""
        case .array(let elements): "{" + elements.map(displayText).joined(separator: ", ") + "}"
        case .reference(let reference): reference.description
        case .instance(let embedded): embedded.jsonText()
        default: value.lexicalForm ?? ""
        }
    }
}

/// CSV (RFC 4180): a header row of property names, then one row per instance; arrays joined with `;`.
struct CSVTable {
    let instances: [CimInstance]

    var rendered: String {
        let columns = InstancePrinter.columnNames(instances)
        var lines = [(["host", "namespace", "class"] + columns).map(Self.field).joined(separator: ",")]
        for instance in instances {
            let values = columns.map { name -> String in
                switch instance[name] {
                case .array(let elements)?: elements.map(InstancePrinter.displayText).joined(separator: ";")
                case let value?: InstancePrinter.displayText(value)
                case nil: ""
                }
            }
            lines.append(([instance.host ?? "", instance.namespace, instance.className] + values).map(Self.field)
                .joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// stdout carries data only; logs and progress go to stderr.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
