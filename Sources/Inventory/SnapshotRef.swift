import CIMModel
import Foundation

/// How a command names a snapshot: `12`, `@latest`, `@prev`, `@latest~N`, or an instant meaning
/// "the state as of then" (`2026-11-24`, `2026-11-24T18:00`, `2026-11-24T18:00:00Z`, …).
///
/// `@latest` is the newest complete or partial snapshot, `@prev` (= `@latest~1`) the one before it.
/// An instant picks the newest complete, partial or interrupted snapshot started at or before it; a
/// date alone means the end of that day (UTC), and a time without a zone means UTC. Whatever the
/// form, a host × class that failed in the chosen snapshot is taken from its newest successful
/// observation before it, and diff says so. For an instant, a host the chosen snapshot did not set
/// out to visit (a sweep of part of the fleet) keeps its newest successful observations before it.
///
/// ```swift
/// let from = try SnapshotRef(parsing: "@prev"), to = try SnapshotRef(parsing: "2026-11-24")
/// ```
public enum SnapshotRef: Sendable, Hashable, CustomStringConvertible {
    /// A snapshot by id.
    case id(SnapshotID)
    /// The N-th newest complete or partial snapshot (0: `@latest`, 1: `@prev`).
    case latest(back: Int)
    /// The state as of an instant.
    case asOf(Date)

    public static let latest = SnapshotRef.latest(back: 0)
    public static let previous = SnapshotRef.latest(back: 1)

    /// Parses the command-line spelling.
    /// - Throws: `StoreError` `.invalidArgument` naming the accepted forms.
    public init(parsing text: String) throws(StoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower == "@latest" { self = .latest; return }
        if lower == "@prev" || lower == "@previous" { self = .previous; return }
        if lower.hasPrefix("@latest~"), let back = Int(lower.dropFirst("@latest~".count)), back >= 0 {
            self = .latest(back: back); return
        }
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit), let id = Int64(trimmed) {
            self = .id(SnapshotID(rawValue: id)); return
        }
        if let date = Self.instant(trimmed) { self = .asOf(date); return }
        throw StoreError(.invalidArgument, path: "", "'\(text)' is not a snapshot: use an id, @latest, @prev, @latest~N, "
                         + "a date (2026-11-24) or a time (2026-11-24T18:00:00Z)")
    }

    /// Whether this names the state as of an instant (hosts a sweep skipped keep their older data).
    public var isInstant: Bool {
        if case .asOf = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .id(let id): "\(id)"
        case .latest(back: 0): "@latest"
        case .latest(back: 1): "@prev"
        case .latest(back: let n): "@latest~\(n)"
        case .asOf(let date): StoreTime.text(date)
        }
    }

    private static func instant(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        if bytes.count == 10, let day = CimDateTime(parsing: text + "T23:59:59.999999Z") { return day.date }
        guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " ") else { return nil }
        var normalized = String(decoding: bytes[0..<10], as: UTF8.self) + "T" + String(decoding: bytes[11...], as: UTF8.self)
        // Seconds are optional: 2026-11-24T18:00 → 2026-11-24T18:00:00.
        let afterMinutes = normalized.index(normalized.startIndex, offsetBy: 16)
        if normalized.count == 16 || normalized[afterMinutes] != ":" {
            normalized.insert(contentsOf: ":00", at: afterMinutes)
        }
        return CimDateTime(parsing: normalized)?.date
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
