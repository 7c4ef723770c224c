import Foundation
import Testing

/// The shared reference folder (`../shared/reference` next to the package): the corpus of real
/// Windows messages and the OMI captures. CI always has it, so a missing folder fails the tests
/// instead of skipping them. The GPL-licensed txwinrm files are read from there, never copied.
enum Reference {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference")

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "reference data missing at \(path): the WSMan tests need ../shared/reference (corpus and omi-captures) next to the package"
        }
    }

    /// The URL of a file or folder below the reference root; throws when it does not exist.
    static func url(_ relative: String) throws -> URL {
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return url
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relative)))
    }

    static func text(_ relative: String) throws -> String {
        String(decoding: try bytes(relative), as: UTF8.self)
    }

    /// The file names in a reference folder, sorted.
    static func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url(folder).path).sorted()
    }

    /// Item counts per txwinrm file, as PROVENANCE.md states them ("; 36 item(s) as …").
    static func provenanceItemCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in try text("corpus/PROVENANCE.md").split(separator: "\n") where line.hasPrefix("| ws20") {
            let file = line.dropFirst(2).prefix { $0 != " " }
            guard let range = line.range(of: #"(\d+) item\(s\)"#, options: .regularExpression) else { continue }
            counts[String(file)] = Int(line[range].prefix { $0.isNumber })
        }
        return counts
    }

    /// The first `<…:Tag>text</…:Tag>` text in a document (for MessageIDs and Actions of requests).
    static func firstText(of localName: String, in document: String) -> String? {
        let pattern = #"<(?:[A-Za-z0-9_-]+:)?"# + localName + #"(?:\s[^>]*)?>([^<]*)<"#
        guard let range = document.range(of: pattern, options: .regularExpression) else { return nil }
        let match = document[range]
        guard let close = match.firstIndex(of: ">") else { return nil }
        return String(match[match.index(after: close)...].dropLast()).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
