import Foundation

/// Prints flat records (rows of named scalar fields) in any output format: for listings such as
/// `snapshots`, where every row has the same columns.
struct RecordPrinter {
    enum Field {
        case text(String)
        case number(Int)
        case null

        var display: String {
            switch self {
            case .text(let text): text
            case .number(let number): String(number)
            case .null: "-"
            }
        }

        var json: Any {
            switch self {
            case .text(let text): text
            case .number(let number): number
            case .null: NSNull()
            }
        }
    }

    let columns: [String]
    let rows: [[Field]]

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table:
            return TextTable(header: columns, rows: rows.map { $0.map(\.display) }).rendered + "\n"
        case .csv:
            let lines = [columns.map(CSVTable.field).joined(separator: ",")]
                + rows.map { row in row.map { CSVTable.field($0 == .null ? "" : $0.display) }.joined(separator: ",") }
            return lines.joined(separator: "\r\n") + "\r\n"
        case .json:
            return "[" + rows.map(jsonObject).joined(separator: ",\n") + "]\n"
        case .ndjson:
            return rows.map { jsonObject($0) + "\n" }.joined()
        }
    }

    /// One row as a JSON object with the columns in order.
    private func jsonObject(_ row: [Field]) -> String {
        let members = zip(columns, row).map { name, field -> String in
            let value = (try? JSONSerialization.data(withJSONObject: field.json, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
                .flatMap { String(data: $0, encoding: .utf8) } ?? "null"
            return "\"\(name)\":\(value)"
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}

extension RecordPrinter.Field: Equatable {}
