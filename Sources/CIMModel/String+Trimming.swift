import Foundation

extension String {
    /// The text without surrounding whitespace and newlines. Values off the wire seldom have any, so
    /// that case costs two byte checks instead of Foundation's trim (measured on the parse path).
    var trimmingWhitespace: String {
        if let first = utf8.first, let last = utf8.last, (0x21..<0x80).contains(first), (0x21..<0x80).contains(last) {
            return self
        }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
