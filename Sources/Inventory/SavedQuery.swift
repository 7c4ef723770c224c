import Foundation

/// A named, documented, parameterised read-only query: one `queries/*.sql` file.
///
/// The file starts with a header of `--` comment lines:
///
/// ```sql
/// -- name: disks-low-space
/// -- description: Local fixed disks with less than PERCENT % free space.
/// -- param: snapshot snapshot = @latest: the snapshot to look at
/// -- param: percent real = 10: the free-space threshold, in percent
/// SELECT … WHERE snapshot_id = :snapshot AND FreeSpace * 100.0 / Size < :percent
/// ```
///
/// A `param:` line reads `NAME [TYPE] [= DEFAULT]: DESCRIPTION`. TYPE is `text` (the default),
/// `integer`, `real`, or `snapshot` — a snapshot reference (`@latest`, `@prev`, `12`, a time) the
/// store resolves to a snapshot id. A parameter without a default is required; the default `null`
/// binds SQL NULL. An indented `--` line continues the field before it. Values are always bound
/// (`:NAME`), never spliced into the SQL.
public struct SavedQuery: Sendable, Hashable {
    /// One declared parameter.
    public struct Parameter: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case text, integer, real, snapshot
        }

        public var name: String
        public var kind: Kind
        /// The default's text (`null` for SQL NULL); nil when the parameter is required.
        public var defaultValue: String?
        public var description: String

        public init(name: String, kind: Kind, defaultValue: String?, description: String) {
            self.name = name
            self.kind = kind
            self.defaultValue = defaultValue
            self.description = description
        }
    }

    public var name: String
    public var description: String
    public var parameters: [Parameter]
    /// The whole file, header included (SQLite skips the comments).
    public var sql: String
    /// Where it came from: `built-in` or the file's path.
    public var source: String

    /// Parses a query file's text.
    /// - Throws: `StoreError` `.invalidArgument` naming the file and line, for a missing name, a
    ///   malformed `param:` line or a parameter the SQL never uses.
    public init(parsing text: String, source: String) throws(StoreError) {
        var name: String?
        var description = ""
        var parameters: [Parameter] = []
        var lastField: String?
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard line.hasPrefix("--") else { break }
            let body = line.dropFirst(2)
            let content = body.trimmingCharacters(in: .whitespaces)
            func fail(_ what: String) -> StoreError {
                StoreError(.invalidArgument, path: source, "line \(number + 1): \(what)")
            }
            if let colon = content.firstIndex(of: ":"), body.first == " ", body.dropFirst().first != " " {
                let key = content[..<colon].lowercased(), value = content[content.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
                switch key {
                case "name":
                    guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                        throw fail("a query name uses letters, digits, '-' and '_' only, not '\(value)'")
                    }
                    name = value
                    lastField = "name"
                    continue
                case "description":
                    description = value
                    lastField = "description"
                    continue
                case "param":
                    guard let parameter = Parameter(spec: value) else {
                        throw fail("expected 'param: NAME [text|integer|real|snapshot] [= DEFAULT]: DESCRIPTION', got '\(value)'")
                    }
                    guard !parameters.contains(where: { $0.name == parameter.name }) else {
                        throw fail("parameter '\(parameter.name)' is declared twice")
                    }
                    parameters.append(parameter)
                    lastField = "param"
                    continue
                default:
                    break
                }
            }
            // A continuation line (or a free comment): extends the last field.
            switch lastField {
            case "description": description += (description.isEmpty ? "" : " ") + content
            case "param" where !parameters.isEmpty:
                parameters[parameters.count - 1].description += " " + content
            default: break
            }
        }
        guard let name else {
            throw StoreError(.invalidArgument, path: source, "the header has no '-- name:' line")
        }
        let used = Self.parameterNames(in: text)
        for parameter in parameters where !used.contains(parameter.name) {
            throw StoreError(.invalidArgument, path: source, "parameter '\(parameter.name)' is declared but the SQL never uses :\(parameter.name)")
        }
        self.name = name
        self.description = description
        self.parameters = parameters
        self.sql = text
        self.source = source
    }

    /// The saved queries compiled into cimsweep (from `queries/*.sql`), sorted by name.
    public static var builtin: [SavedQuery] {
        // The embedded texts are checked against queries/ by a test, so they always parse.
        builtinQueryFiles.compactMap { try? SavedQuery(parsing: $0.text, source: "built-in") }
            .sorted { $0.name < $1.name }
    }

    /// The built-in queries, plus every `*.sql` file in `directory` (a file replaces a built-in
    /// query of the same name).
    /// - Throws: `StoreError` `.notFound` for a directory that cannot be read, `.invalidArgument`
    ///   for a file that does not parse or two files with the same name.
    public static func library(adding directory: String?) throws(StoreError) -> [SavedQuery] {
        var byName = Dictionary(uniqueKeysWithValues: builtin.map { ($0.name, $0) })
        guard let directory else { return builtin }
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw StoreError(.notFound, path: directory, "cannot read the queries directory: \(error.localizedDescription)")
        }
        var fromDirectory: Set<String> = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
                throw StoreError(.invalidArgument, path: path, "cannot read the file, or it is over 1 MB")
            }
            let query = try SavedQuery(parsing: String(decoding: data, as: UTF8.self), source: path)
            guard fromDirectory.insert(query.name).inserted else {
                throw StoreError(.invalidArgument, path: path, "another file in \(directory) is also named '\(query.name)'")
            }
            byName[query.name] = query
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// The `:name` parameters the SQL uses, outside comments and string literals.
    static func parameterNames(in sql: String) -> Set<String> {
        var names: Set<String> = []
        let characters = Array(sql.unicodeScalars)
        var index = 0
        func isNameScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil || s == "_" }
        while index < characters.count {
            let c = characters[index]
            if c == "-", index + 1 < characters.count, characters[index + 1] == "-" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
            } else if c == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                index += 2
                while index + 1 < characters.count, !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                index += 2
            } else if c == "'" || c == "\"" {
                index += 1
                while index < characters.count, characters[index] != c { index += 1 }
                index += 1
            } else if c == ":", index + 1 < characters.count, isNameScalar(characters[index + 1]) {
                var end = index + 1
                while end < characters.count, isNameScalar(characters[end]) { end += 1 }
                names.insert(String(String.UnicodeScalarView(characters[(index + 1)..<end])))
                index = end
            } else {
                index += 1
            }
        }
        return names
    }
}

extension SavedQuery.Parameter {
    /// Parses `NAME [TYPE] [= DEFAULT]: DESCRIPTION`; the default ends at the first `: `.
    init?(spec: String) {
        var rest = Substring(spec)
        let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        guard let first = name.first, !first.isNumber else { return nil }
        rest = rest.dropFirst(name.count).drop { $0 == " " }
        var kind = Kind.text
        let word = rest.prefix { $0.isLetter }
        if let parsed = Kind(rawValue: String(word)) {
            kind = parsed
            rest = rest.dropFirst(word.count).drop { $0 == " " }
        }
        var defaultValue: String?
        if rest.first == "=" {
            rest = rest.dropFirst().drop { $0 == " " }
            let end = rest.range(of: ": ")?.lowerBound ?? (rest.hasSuffix(":") ? rest.index(before: rest.endIndex) : rest.endIndex)
            defaultValue = rest[..<end].trimmingCharacters(in: .whitespaces)
            rest = rest[end...]
        }
        guard rest.isEmpty || rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        self.init(name: String(name), kind: kind, defaultValue: defaultValue,
                  description: rest.trimmingCharacters(in: .whitespaces))
    }
}
