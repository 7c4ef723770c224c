/// Appends XML text and attribute values to a byte buffer, escaped so that any string yields
/// well-formed XML: `&`, `<`, `>` always; quotes in attribute values; tab/CR/LF in attribute values as
/// character references so they survive attribute-value normalisation. Characters XML 1.0 forbids
/// (C0 controls other than tab/CR/LF, U+FFFE/U+FFFF) cannot be written at all, so they become U+FFFD.
struct XMLBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 2048) { bytes.reserveCapacity(capacity) }

    /// Appends markup verbatim: only for constant tags and names this module controls.
    mutating func raw(_ markup: String) { bytes.append(contentsOf: markup.utf8) }

    /// Appends character data.
    mutating func text(_ value: String) { escape(value, inAttribute: false) }

    /// Appends an attribute value (without its quotes, which the caller writes as `"`).
    mutating func attribute(_ value: String) { escape(value, inAttribute: true) }

    /// `<name attributes>escaped text</name>`.
    mutating func element(_ name: String, _ attributes: String = "", text value: String) {
        raw("<\(name)\(attributes)>")
        text(value)
        raw("</\(name)>")
    }

    private mutating func escape(_ value: String, inAttribute: Bool) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": raw("&amp;")
            case "<": raw("&lt;")
            case ">": raw("&gt;")
            case "\"" where inAttribute: raw("&quot;")
            case "'" where inAttribute: raw("&apos;")
            case "\t" where inAttribute: raw("&#9;")
            case "\n" where inAttribute: raw("&#10;")
            case "\r": raw("&#13;")
            case "\t", "\n": bytes.append(UInt8(scalar.value))
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    raw("\u{FFFD}")
                } else {
                    UTF8.encode(scalar) { bytes.append($0) }
                }
            }
        }
    }
}
