import Foundation

extension SnapshotStore {
    /// Runs a saved query read-only, binding each declared parameter from `values` (text as given
    /// on the command line) or its default: `integer` and `real` are parsed, `snapshot` references
    /// are resolved to snapshot ids, `null` binds SQL NULL.
    ///
    /// ```swift
    /// let query = SavedQuery.builtin.first { $0.name == "disks-low-space" }!
    /// let result = try store.run(query, parameters: ["percent": "5"])
    /// ```
    /// - Throws: `StoreError` `.invalidArgument` for an unknown or missing parameter or a value of the
    ///   wrong type, `.notFound` for a snapshot reference that names nothing, and whatever
    ///   `readOnlyQuery` throws.
    public func run(_ query: SavedQuery, parameters values: [String: String],
                    rowLimit: Int = 1_000_000) throws(StoreError) -> QueryResult {
        let declared = Set(query.parameters.map(\.name))
        for name in values.keys.sorted() where !declared.contains(name) {
            let known = query.parameters.isEmpty ? "it takes none" : "it takes " + query.parameters.map(\.name).joined(separator: ", ")
            throw StoreError(.invalidArgument, path: path, "query '\(query.name)' has no parameter '\(name)'; \(known)")
        }
        var arguments: [String: QueryValue] = [:]
        for parameter in query.parameters {
            guard let text = values[parameter.name] ?? parameter.defaultValue else {
                throw StoreError(.invalidArgument, path: path,
                                 "query '\(query.name)' needs --param \(parameter.name)=… (\(parameter.description))")
            }
            arguments[parameter.name] = try bindable(text, as: parameter.kind, parameter: parameter.name, query: query.name)
        }
        return try readOnlyQuery(sql: query.sql, arguments: arguments, rowLimit: rowLimit)
    }

    /// Ad-hoc SQL with `--param` values: integers and reals when the text reads as one, snapshot ids
    /// for `@…` references, else text.
    public func run(sql: String, parameters values: [String: String],
                    rowLimit: Int = 1_000_000) throws(StoreError) -> QueryResult {
        var arguments: [String: QueryValue] = [:]
        for (name, text) in values {
            if let integer = Int64(text) { arguments[name] = .integer(integer) }
            else if let real = Double(text), real.isFinite { arguments[name] = .real(real) }
            else if text.hasPrefix("@") { arguments[name] = try bindable(text, as: .snapshot, parameter: name, query: "--sql") }
            else { arguments[name] = .text(text) }
        }
        let used = SavedQuery.parameterNames(in: sql)
        if let missing = used.subtracting(arguments.keys).sorted().first {
            throw StoreError(.invalidArgument, path: path, "the SQL uses :\(missing); pass --param \(missing)=…")
        }
        return try readOnlyQuery(sql: sql, arguments: arguments.filter { used.contains($0.key) }, rowLimit: rowLimit)
    }

    private func bindable(_ text: String, as kind: SavedQuery.Parameter.Kind, parameter: String,
                          query: String) throws(StoreError) -> QueryValue {
        if text.lowercased() == "null" { return .null }
        switch kind {
        case .text:
            return .text(text)
        case .integer:
            guard let value = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw StoreError(.invalidArgument, path: path, "\(query): parameter '\(parameter)' takes an integer, not '\(text)'")
            }
            return .integer(value)
        case .real:
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw StoreError(.invalidArgument, path: path, "\(query): parameter '\(parameter)' takes a number, not '\(text)'")
            }
            return .real(value)
        case .snapshot:
            let reference: SnapshotRef
            do {
                reference = try SnapshotRef(parsing: text)
            } catch {
                throw StoreError(.invalidArgument, path: path, "\(query): parameter '\(parameter)': \(error.detail)")
            }
            return .integer(try resolve(reference).id.rawValue)
        }
    }
}
