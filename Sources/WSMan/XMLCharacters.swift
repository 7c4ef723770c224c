/// Byte classes and UTF-8 rules of XML 1.0 (Fifth Edition) for `XMLReader`'s scanning loops.
///
/// The tables are allocated once and never freed; the loops copy the pointer into a local first,
/// so a byte's class costs one load.
enum XMLCharacters {
    /// Per byte: 0 when it may stand in character data as it is (tab, LF, printable ASCII other
    /// than `<`, `&`, `]`); anything else needs a look (markup, a reference, `]]>`, CR, a control
    /// character, the start of a multi-byte sequence).
    // Written once when first used, only read after: safe to share between threads.
    nonisolated(unsafe) static let text: UnsafePointer<UInt8> = table { byte in
        byte == 0x09 || byte == 0x0A || (byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "<")
            && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "]"))
    }

    /// Per byte: 0 when it may stand in an attribute value as it is (printable ASCII other than
    /// `<`, `&` and both quotes); tab, LF and CR need normalizing to a space.
    nonisolated(unsafe) static let attribute: UnsafePointer<UInt8> = table { byte in
        byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "<") && byte != UInt8(ascii: "&")
            && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'")
    }

    /// Per byte: `nameStart` and/or `nameChar` for ASCII; `nonASCII` for a multi-byte sequence's
    /// first byte (decoded and checked against the name ranges).
    nonisolated(unsafe) static let name: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 {
            let b = UInt8(byte)
            var bits: UInt8 = 0
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            if letter || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") { bits |= nameStart | nameChar }
            if (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") { bits |= nameChar }
            if b >= 0x80 { bits |= nonASCII }
            table[byte] = bits
        }
        return UnsafePointer(table)
    }()

    static let nameStart: UInt8 = 1
    static let nameChar: UInt8 = 2
    static let nonASCII: UInt8 = 4

    private static func table(_ passes: (UInt8) -> Bool) -> UnsafePointer<UInt8> {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 { table[byte] = passes(UInt8(byte)) ? 0 : 1 }
        return UnsafePointer(table)
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// One UTF-8 sequence starting at `p[i]` (a byte ≥ 0x80), checked to be a well-formed sequence
    /// (no overlong forms, no surrogates) and an XML `Char` (not U+FFFE or U+FFFF).
    enum Sequence {
        case scalar(UInt32, length: Int)
        /// The bytes so far are a valid start, but the buffer ends before the sequence does.
        case incomplete
        case invalid
    }

    @inline(__always)
    static func decodeUTF8(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Sequence {
        let b0 = p[i]
        let length: Int, lower: UInt8, upper: UInt8
        switch b0 {
        case 0xC2...0xDF: (length, lower, upper) = (2, 0x80, 0xBF)
        case 0xE0: (length, lower, upper) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, lower, upper) = (3, 0x80, 0xBF)
        case 0xED: (length, lower, upper) = (3, 0x80, 0x9F)   // no surrogates
        case 0xF0: (length, lower, upper) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, lower, upper) = (4, 0x80, 0xBF)
        case 0xF4: (length, lower, upper) = (4, 0x80, 0x8F)   // at most U+10FFFF
        default: return .invalid
        }
        // The second byte has the narrowed range; later ones any continuation byte.
        var scalar = UInt32(b0) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length {
            guard i + k < end else { return .incomplete }
            let byte = p[i + k]
            let (low, high) = k == 1 ? (lower, upper) : (0x80, 0xBF)
            guard byte >= low, byte <= high else { return .invalid }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        if scalar == 0xFFFE || scalar == 0xFFFF { return .invalid }
        return .scalar(scalar, length: length)
    }

    /// XML 1.0 Fifth Edition NameStartChar beyond ASCII.
    static func isNameStart(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
             0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
             0x10000...0xEFFFF:
            true
        default:
            false
        }
    }

    /// XML 1.0 Fifth Edition NameChar beyond ASCII.
    static func isNameChar(_ scalar: UInt32) -> Bool {
        isNameStart(scalar) || scalar == 0xB7 || (0x300...0x36F).contains(scalar) || (0x203F...0x2040).contains(scalar)
    }

    /// An XML `Char` given as a character reference (`&#…;`).
    static func isChar(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Appends `scalar` as UTF-8.
    static func appendUTF8(_ scalar: UInt32, to buffer: ScratchBuffer) {
        switch scalar {
        case ..<0x80:
            buffer.append(UInt8(scalar))
        case ..<0x800:
            buffer.append(UInt8(0xC0 | scalar >> 6))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            buffer.append(UInt8(0xE0 | scalar >> 12))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        default:
            buffer.append(UInt8(0xF0 | scalar >> 18))
            buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
