/// Durations as people write them in flags and config: `90s`, `15m`, `2h`, `1d`, `500ms`, `1h30m`.
public enum DurationText {
    /// Parses a duration; a bare number is seconds.
    /// - Returns: nil when the text is not a positive duration.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        if let seconds = Double(trimmed), seconds > 0 { return .milliseconds(Int64(seconds * 1000)) }
        var total: Duration = .zero
        var rest = Substring(trimmed)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let milliseconds: Double
            switch unit.lowercased() {
            case "ms": milliseconds = value
            case "s": milliseconds = value * 1000
            case "m": milliseconds = value * 60_000
            case "h": milliseconds = value * 3_600_000
            case "d": milliseconds = value * 86_400_000
            default: return nil
            }
            total += .milliseconds(Int64(milliseconds))
        }
        return total > .zero ? total : nil
    }

    /// `1h05m`, `3m20s`, `12.4s`, `850ms`: short, for progress lines and summaries.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = Int64(duration / .milliseconds(1))
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 { return String(Double(milliseconds / 100) / 10) + "s" }
        let seconds = milliseconds / 1000
        if seconds < 3600 { return "\(seconds / 60)m\(pad(seconds % 60))s" }
        return "\(seconds / 3600)h\(pad(seconds % 3600 / 60))m"
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
