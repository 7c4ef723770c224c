import Foundation

/// A CIM interval (a datetime-typed value that is a duration), with microsecond precision.
///
/// WinRM sends xs:duration inside `cim:Interval` (`P1DT2H3M4.5S`); the DMTF form is
/// `ddddddddHHMMSS.mmmmmm:000` (DSP0004 5.2.4).
public struct CimInterval: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in microseconds; never negative.
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Parses xs:duration (days, hours, minutes and seconds; years and months are refused, since they
    /// have no fixed length) or the DMTF interval form.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace
        if let value = Self.parseDMTF(trimmed) ?? Self.parseXSDuration(trimmed) { self = value } else { return nil }
    }

    /// The xs:duration form, e.g. `P1DT2H3M4.5S`; zero is `PT0S`.
    public var xsDuration: String {
        let (days, hours, minutes, seconds, micros) = parts
        var text = "P"
        if days > 0 { text += "\(days)D" }
        var time = ""
        if hours > 0 { time += "\(hours)H" }
        if minutes > 0 { time += "\(minutes)M" }
        if seconds > 0 || micros > 0 || (days == 0 && time.isEmpty) {
            time += "\(seconds)"
            if micros > 0 {
                var fraction = String(format: "%06d", Int(micros))
                while fraction.hasSuffix("0") { fraction.removeLast() }
                time += "." + fraction
            }
            time += "S"
        }
        return time.isEmpty ? text : text + "T" + time
    }

    /// The DMTF form `ddddddddHHMMSS.mmmmmm:000`.
    public var dmtf: String {
        let (days, hours, minutes, seconds, micros) = parts
        return String(format: "%08lld%02lld%02lld%02lld.%06lld:000", days, hours, minutes, seconds, micros)
    }

    public var description: String { xsDuration }

    private var parts: (Int64, Int64, Int64, Int64, Int64) {
        let totalSeconds = microseconds / 1_000_000
        return (totalSeconds / 86_400, totalSeconds / 3600 % 24, totalSeconds / 60 % 60, totalSeconds % 60,
                microseconds % 1_000_000)
    }

    private static func parseDMTF(_ text: String) -> CimInterval? {
        let bytes = Array(text.utf8)
        guard bytes.count == 25, bytes[14] == UInt8(ascii: "."), bytes[21] == UInt8(ascii: ":"),
              let days = digits(bytes, 0, 8), let hours = digits(bytes, 8, 2), let minutes = digits(bytes, 10, 2),
              let seconds = digits(bytes, 12, 2), let micros = digits(bytes, 15, 6), hours < 24, minutes < 60,
              seconds < 60
        else { return nil }
        let total = ((Int64(days) * 24 + Int64(hours)) * 60 + Int64(minutes)) * 60 + Int64(seconds)
        return CimInterval(microseconds: total * 1_000_000 + Int64(micros))
    }

    private static func parseXSDuration(_ text: String) -> CimInterval? {
        var bytes = Substring(text)
        guard bytes.first == "P", bytes.count > 1 else { return nil }
        bytes = bytes.dropFirst()
        var total: Int64 = 0
        var inTime = false
        var number = ""
        var sawComponent = false
        for character in bytes {
            switch character {
            case "T":
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
            case "0"..."9", ".":
                number.append(character)
            case "D" where !inTime, "H" where inTime, "M" where inTime, "S" where inTime:
                guard !number.isEmpty else { return nil }
                let unit: Int64 = switch character {
                case "D": 86_400_000_000
                case "H": 3_600_000_000
                case "M": 60_000_000
                default: 1_000_000
                }
                if character == "S", let dot = number.firstIndex(of: ".") {
                    guard let whole = Int64(number[..<dot].isEmpty ? "0" : number[..<dot]) else { return nil }
                    let fractionDigits = number[number.index(after: dot)...].prefix(6)
                    guard fractionDigits.allSatisfy(\.isASCII), let fraction = Int64(fractionDigits.isEmpty ? "0" : fractionDigits)
                    else { return nil }
                    let scale = Int64(pow(10, Double(6 - fractionDigits.count)))
                    total += whole * unit + fraction * scale
                } else {
                    guard let whole = Int64(number) else { return nil }
                    total += whole * unit
                }
                number = ""
                sawComponent = true
            default:
                return nil
            }
        }
        guard number.isEmpty, sawComponent else { return nil }
        return CimInterval(microseconds: total)
    }
}
