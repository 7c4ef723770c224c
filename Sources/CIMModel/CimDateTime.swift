import Foundation

/// A CIM timestamp: an instant with microsecond precision and the UTC offset it was written with.
///
/// WinRM sends xs:dateTime inside `cim:Datetime` (`2013-04-15T16:28:47.73517Z`); WMI and OMI also use
/// the DMTF form `yyyymmddHHMMSS.mmmmmmsUUU` with the offset in minutes (DSP0004 5.2.4). Both parse
/// to the same value, so equal instants written two ways compare equal only if their offsets agree.
public struct CimDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microsecondsSinceEpoch: Int64
    /// The offset from UTC the value was written with, in minutes (0 for `Z`).
    public var utcOffsetMinutes: Int

    public init(microsecondsSinceEpoch: Int64, utcOffsetMinutes: Int = 0) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    public init(_ date: Date, utcOffsetMinutes: Int = 0) {
        self.init(microsecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()),
                  utcOffsetMinutes: utcOffsetMinutes)
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch }

    /// Parses xs:dateTime (`2013-04-15T16:28:47.73517Z`, `…+02:00`, no zone meaning UTC) or the DMTF
    /// timestamp form. Returns nil for anything else, including DMTF values with `*` wildcards.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace
        if let value = Self.parseDMTF(trimmed) ?? Self.parseISO(trimmed) { self = value } else { return nil }
    }

    /// The xs:dateTime form Windows sends: local time at the stored offset, the fraction trimmed of
    /// trailing zeros, `Z` for offset 0.
    public var iso8601: String {
        let local = microsecondsSinceEpoch + Int64(utcOffsetMinutes) * 60_000_000
        let (days, microsOfDay) = local.floorDivided(by: 86_400_000_000)
        let (y, m, d) = CivilDate.fromDays(days)
        let seconds = microsOfDay / 1_000_000, micros = microsOfDay % 1_000_000
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
                          Int(seconds / 3600), Int(seconds / 60 % 60), Int(seconds % 60))
        if micros != 0 {
            var fraction = String(format: "%06d", Int(micros))
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        if utcOffsetMinutes == 0 { return text + "Z" }
        let sign = utcOffsetMinutes < 0 ? "-" : "+"
        let magnitude = abs(utcOffsetMinutes)
        return text + String(format: "%@%02d:%02d", sign, magnitude / 60, magnitude % 60)
    }

    /// The DMTF form `yyyymmddHHMMSS.mmmmmmsUUU`.
    public var dmtf: String {
        let local = microsecondsSinceEpoch + Int64(utcOffsetMinutes) * 60_000_000
        let (days, microsOfDay) = local.floorDivided(by: 86_400_000_000)
        let (y, m, d) = CivilDate.fromDays(days)
        let seconds = microsOfDay / 1_000_000
        return String(format: "%04d%02d%02d%02d%02d%02d.%06d%@%03d", y, m, d, Int(seconds / 3600),
                      Int(seconds / 60 % 60), Int(seconds % 60), Int(microsOfDay % 1_000_000),
                      utcOffsetMinutes < 0 ? "-" : "+", abs(utcOffsetMinutes))
    }

    public var description: String { iso8601 }

    private static func parseISO(_ text: String) -> CimDateTime? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = digits(bytes, 0, 4), let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2),
              let hour = digits(bytes, 11, 2), let minute = digits(bytes, 14, 2), let second = digits(bytes, 17, 2)
        else { return nil }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100_000, count = 0
            while index < bytes.count, let digit = bytes[index].asciiDigit {
                if count < 6 { micros += digit * scale; scale /= 10 }
                count += 1; index += 1
            }
            guard count > 0 else { return nil }
        }
        var offset = 0
        if index < bytes.count {
            if bytes[index] == UInt8(ascii: "Z"), index + 1 == bytes.count {
                offset = 0
            } else if bytes.count - index == 6, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
                      bytes[index + 3] == UInt8(ascii: ":"),
                      let oh = digits(bytes, index + 1, 2), let om = digits(bytes, index + 4, 2) {
                offset = (oh * 60 + om) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
        }
        return make(year, month, day, hour, minute, second, micros, offset)
    }

    private static func parseDMTF(_ text: String) -> CimDateTime? {
        let bytes = Array(text.utf8)
        guard bytes.count == 25, bytes[14] == UInt8(ascii: "."),
              bytes[21] == UInt8(ascii: "+") || bytes[21] == UInt8(ascii: "-"),
              let year = digits(bytes, 0, 4), let month = digits(bytes, 4, 2), let day = digits(bytes, 6, 2),
              let hour = digits(bytes, 8, 2), let minute = digits(bytes, 10, 2), let second = digits(bytes, 12, 2),
              let micros = digits(bytes, 15, 6), let offset = digits(bytes, 22, 3)
        else { return nil }
        return make(year, month, day, hour, minute, second, micros, bytes[21] == UInt8(ascii: "-") ? -offset : offset)
    }

    private static func make(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int,
                             _ second: Int, _ micros: Int, _ offset: Int) -> CimDateTime? {
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61,
              abs(offset) < 24 * 60 else { return nil }
        let days = CivilDate.toDays(year, month, day)
        let local = ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60 + Int64(second)
        let utc = (local - Int64(offset) * 60) * 1_000_000 + Int64(micros)
        return CimDateTime(microsecondsSinceEpoch: utc, utcOffsetMinutes: offset)
    }
}

func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
    guard start + count <= bytes.count else { return nil }
    var value = 0
    for index in start..<(start + count) {
        guard let digit = bytes[index].asciiDigit else { return nil }
        value = value * 10 + digit
    }
    return value
}

extension UInt8 {
    var asciiDigit: Int? { (48...57).contains(self) ? Int(self) - 48 : nil }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = self >= 0 ? self / divisor : -((-self + divisor - 1) / divisor)
        return (q, self - q * divisor)
    }
}

/// Proleptic Gregorian calendar arithmetic without Foundation's Calendar (fast, and time-zone free).
enum CivilDate {
    /// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
    static func toDays(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func fromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }
}
