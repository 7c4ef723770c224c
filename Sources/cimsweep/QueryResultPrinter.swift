import CIMModel
import Foundation
import Inventory

/// Renders a query's rows in the chosen output format. Columns keep the query's order; SQL NULL
/// is JSON null and an empty CSV/table cell; blobs are base64.
enum QueryResultPrinter {
    static func render(_ result: QueryResult, as format: OutputFormat) -> String {
        switch format {
        case .table:
            let rows = result.rows.map { $0.map(cellText) }
            return TextTable(header: result.columns, rows: rows).rendered + "\n"
        case .csv:
            let lines = [result.columns] + result.rows.map { $0.map(cellText) }
            return lines.map { $0.map(CSVTable.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        case .json:
            let objects = result.rows.map { object($0, columns: result.columns) }
            return objects.isEmpty ? "[]\n" : "[\n  " + objects.joined(separator: ",\n  ") + "\n]\n"
        case .ndjson:
            return result.rows.map { object($0, columns: result.columns) + "\n" }.joined()
        }
    }

    static func object(_ row: [QueryValue], columns: [String]) -> String {
        var writer = CimJSONWriter(style: .wire, reservingCapacity: 256)
        writer.append(rawJSON: "{")
        for (index, (column, value)) in zip(columns, row).enumerated() {
            if index > 0 { writer.append(rawJSON: ",") }
            writer.write(string: column)
            writer.append(rawJSON: ":")
            switch value {
            case .null: writer.append(rawJSON: "null")
            case .integer(let v): writer.append(rawJSON: String(v))
            case .real(let v) where v.isFinite: writer.append(rawJSON: "\(v)")
            case .real(let v): writer.write(string: v.isNaN ? "NaN" : v > 0 ? "INF" : "-INF")
            case .text(let v): writer.write(string: v)
            case .blob(let v): writer.write(string: v.base64EncodedString())
            }
        }
        writer.append(rawJSON: "}")
        return writer.text
    }

    static func cellText(_ value: QueryValue) -> String {
        switch value {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): "\(v)"
        case .text(let v): v
        case .blob(let v): v.base64EncodedString()
        }
    }
}
