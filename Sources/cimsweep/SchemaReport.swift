import CIMModel
import Foundation
import WSMan

/// `--check-schema`: what the host sent that the schema does not say, counted per class and property.
struct SchemaReport {
    private var issues: [String: (className: String, issue: SchemaIssue, count: Int)] = [:]
    private var instances = 0

    mutating func add(_ item: EnumerationItem) {
        if item.instance != nil { instances += 1 }
        let className = item.instance?.className ?? "?"
        for issue in item.schemaIssues {
            issues["\(className)|\(issue)", default: (className, issue, 0)].count += 1
        }
    }

    func print(registry: CimSchemaRegistry, className: String, namespace: String) {
        var lines: [String] = []
        if registry.schema(namespace: namespace, className: className) == nil {
            lines.append("schema check: cimsweep has no schema for \(namespace):\(className); values stay untyped strings")
        }
        if issues.isEmpty {
            lines.append("schema check: \(instances) instance(s), every property matches its schema")
        } else {
            lines.append("schema check: \(instances) instance(s), \(issues.count) difference(s) from the schema:")
            for (_, entry) in issues.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(entry.className).\(entry.issue) (\(entry.count)×)")
            }
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
