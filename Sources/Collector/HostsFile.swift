/// Reads a hosts file: one host per line, `#` comments, optional group tags after the host.
///
/// ```
/// # name, name:port, URL, or [IPv6]:port; then tags (spaces or commas)
/// dc01.corp.example                 dc
/// web01.corp.example:5986           web, prod
/// https://sql01.corp.example:5986   sql
/// [fd00::12]:5985
/// ```
/// A URL's path (`/wsman`) is accepted and ignored: WinRM serves only `/wsman`.
public enum HostsFile {
    /// Why a hosts file was refused; `line` is 1-based.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var reason: String
        public var description: String { "line \(line): \(reason): \(text)" }
    }

    /// Parses a whole file. Every host appears once: a repeated name is an error, not a double visit.
    public static func parse(_ text: String) throws(ParseError) -> [HostTarget] {
        var hosts: [HostTarget] = []
        var seen: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.prefix { $0 != "#" }.trimmingWhitespace()
            guard !line.isEmpty else { continue }
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            let lineNumber = index + 1
            var host = try parseTarget(tokens[0], line: lineNumber)
            host.tags = Array(tokens.dropFirst())
            if let bad = host.tags.first(where: { !$0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } }) {
                throw ParseError(line: lineNumber, text: String(line),
                                 reason: "'\(bad)' is not a tag (tags are letters, digits, '-' and '_'; one host per line)")
            }
            let key = host.name.lowercased()
            if let first = seen[key] {
                throw ParseError(line: lineNumber, text: String(line), reason: "\(host.name) is already listed on line \(first)")
            }
            seen[key] = lineNumber
            hosts.append(host)
        }
        return hosts
    }

    /// Parses one target: `name`, `name:port`, `[v6]:port`, `http(s)://name[:port][/path]`.
    static func parseTarget(_ token: String, line: Int) throws(ParseError) -> HostTarget {
        var rest = Substring(token)
        var usesTLS: Bool?
        if let range = rest.range(of: "://") {
            switch rest[..<range.lowerBound].lowercased() {
            case "http": usesTLS = false
            case "https": usesTLS = true
            default: throw ParseError(line: line, text: token, reason: "only http:// and https:// URLs name WinRM hosts")
            }
            rest = rest[range.upperBound...]
            if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        }
        var name: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw ParseError(line: line, text: token, reason: "an IPv6 address needs its closing ']'")
            }
            name = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ParseError(line: line, text: token, reason: "expected ':port' after ']'") }
                portText = after.dropFirst()
            }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            name = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else if rest.contains(":") {
            throw ParseError(line: line, text: token, reason: "write an IPv6 address in brackets, e.g. [fd00::12]:5985")
        } else {
            name = rest
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-._:%".contains($0) }) else {
            throw ParseError(line: line, text: token, reason: "not a host name or address")
        }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw ParseError(line: line, text: token, reason: "the port must be a number from 1 to 65535")
            }
            port = value
        }
        return HostTarget(name: String(name), port: port, usesTLS: usesTLS)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
