import CIMModel

/// The subset of WQL the simulator answers: `SELECT * | p1, p2 FROM Class [WHERE …]` with
/// `= <> != < > <= >= LIKE`, `AND / OR / NOT`, parentheses and `IS [NOT] NULL`.
/// String comparisons are case-insensitive, as in WMI.
struct WQLQuery: Sendable, Equatable {
    /// nil for `SELECT *`.
    var properties: [String]?
    var className: String
    var condition: Condition?

    indirect enum Condition: Sendable, Equatable {
        case compare(String, Operator, Literal)
        case like(String, String)
        case isNull(String, negated: Bool)
        case and(Condition, Condition)
        case or(Condition, Condition)
        case not(Condition)
    }

    enum Operator: String, Sendable { case equal = "=", notEqual = "<>", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">=" }

    enum Literal: Sendable, Equatable {
        case string(String)
        case number(Double)
        case boolean(Bool)
        case null
    }

    /// Names every property the condition mentions (to check them against the class).
    var referencedProperties: [String] {
        func walk(_ condition: Condition?) -> [String] {
            switch condition {
            case nil: []
            case .compare(let name, _, _)?, .like(let name, _)?, .isNull(let name, _)?: [name]
            case .and(let l, let r)?, .or(let l, let r)?: walk(l) + walk(r)
            case .not(let inner)?: walk(inner)
            }
        }
        return walk(condition)
    }
}

/// Why a WQL text was refused; becomes a CannotProcessFilter fault.
struct WQLError: Error, Sendable, Equatable, CustomStringConvertible {
    let description: String
}

extension WQLQuery {
    init(parsing text: String) throws(WQLError) {
        var parser = WQLParser(tokens: try WQLParser.tokenize(text))
        self = try parser.query()
    }

    /// True when the instance satisfies the WHERE clause (or there is none).
    func matches(_ instance: CimInstance) -> Bool {
        condition.map { Self.evaluate($0, instance) } ?? true
    }

    private static func evaluate(_ condition: Condition, _ instance: CimInstance) -> Bool {
        switch condition {
        case .and(let l, let r): evaluate(l, instance) && evaluate(r, instance)
        case .or(let l, let r): evaluate(l, instance) || evaluate(r, instance)
        case .not(let inner): !evaluate(inner, instance)
        case .isNull(let name, let negated): (instance[name]?.isNull ?? true) != negated
        case .like(let name, let pattern):
            instance[name]?.lexicalForm.map { like(Array($0.lowercased()), Array(pattern.lowercased())) } ?? false
        case .compare(let name, let op, let literal): compare(instance[name] ?? .null, op, literal)
        }
    }

    private static func compare(_ value: CimValue, _ op: Operator, _ literal: Literal) -> Bool {
        let order: Int?
        switch (value, literal) {
        case (.null, _), (_, .null): return false
        case (.boolean(let b), .boolean(let l)): order = b == l ? 0 : (b ? 1 : -1)
        case (.datetime(let d), .string(let s)): order = CimDateTime(parsing: s).map { d == $0 ? 0 : (d < $0 ? -1 : 1) }
        case (_, .number(let n)):
            if let int = value.integerValue { order = Double(int) == n ? 0 : (Double(int) < n ? -1 : 1) }
            else if case .uint64(let big) = value { order = Double(big) == n ? 0 : (Double(big) < n ? -1 : 1) }
            else if let text = value.lexicalForm, let parsed = Double(text) { order = parsed == n ? 0 : (parsed < n ? -1 : 1) }
            else { order = nil }
        case (_, .string(let s)):
            guard let text = value.lexicalForm?.lowercased() else { return false }
            let other = s.lowercased()
            order = text == other ? 0 : (text < other ? -1 : 1)
        case (_, .boolean(let l)): order = value.lexicalForm == (l ? "true" : "false") ? 0 : nil
        }
        guard let order else { return op == .notEqual }
        return switch op {
        case .equal: order == 0
        case .notEqual: order != 0
        case .less: order < 0
        case .greater: order > 0
        case .lessOrEqual: order <= 0
        case .greaterOrEqual: order >= 0
        }
    }

    /// WQL LIKE: `%` any run, `_` one character, `[abc]` / `[a-z]` / `[^…]` a set.
    private static func like(_ text: [Character], _ pattern: [Character]) -> Bool {
        var memo = [Int: Bool]()
        func match(_ t: Int, _ p: Int) -> Bool {
            let key = t * (pattern.count + 1) + p
            if let known = memo[key] { return known }
            let result: Bool
            if p == pattern.count { result = t == text.count }
            else if pattern[p] == "%" { result = match(t, p + 1) || (t < text.count && match(t + 1, p)) }
            else if t == text.count { result = false }
            else if pattern[p] == "_" { result = match(t + 1, p + 1) }
            else if pattern[p] == "[", let close = pattern[(p + 1)...].firstIndex(of: "]") {
                var set = Array(pattern[(p + 1)..<close])
                let negated = set.first == "^"
                if negated { set.removeFirst() }
                var found = false, i = 0
                while i < set.count {
                    if i + 2 < set.count, set[i + 1] == "-" { found = found || (set[i]...set[i + 2]).contains(text[t]); i += 3 }
                    else { found = found || set[i] == text[t]; i += 1 }
                }
                result = found != negated && match(t + 1, close + 1)
            } else { result = pattern[p] == text[t] && match(t + 1, p + 1) }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }
}

/// A recursive-descent parser over WQL tokens.
struct WQLParser {
    enum Token: Equatable { case word(String), string(String), number(Double), symbol(String) }
    var tokens: [Token]
    var position = 0

    static func tokenize(_ text: String) throws(WQLError) -> [Token] {
        guard text.utf8.count <= 16_384 else { throw WQLError(description: "the query is longer than 16384 bytes") }
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "'" || c == "\"" {
                var j = i + 1, value = ""
                while j < chars.count, chars[j] != c { value.append(chars[j]); j += 1 }
                guard j < chars.count else { throw WQLError(description: "unterminated string literal") }
                tokens.append(.string(value)); i = j + 1
            } else if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i + 1
                while j < chars.count, chars[j].isNumber || chars[j] == "." { j += 1 }
                guard let number = Double(String(chars[i..<j])) else { throw WQLError(description: "bad number") }
                tokens.append(.number(number)); i = j
            } else if c.isLetter || c == "_" {
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                tokens.append(.word(String(chars[i..<j]))); i = j
            } else if "<>!=".contains(c), i + 1 < chars.count, ["<>", "<=", ">=", "!="].contains(String(chars[i...i + 1])) {
                tokens.append(.symbol(String(chars[i...i + 1]) == "!=" ? "<>" : String(chars[i...i + 1]))); i += 2
            } else if "=<>(),*".contains(c) {
                tokens.append(.symbol(String(c))); i += 1
            } else {
                throw WQLError(description: "unexpected character '\(c)'")
            }
        }
        return tokens
    }

    private var current: Token? { position < tokens.count ? tokens[position] : nil }

    private mutating func keyword(_ word: String) -> Bool {
        if case .word(let w)? = current, w.uppercased() == word { position += 1; return true }
        return false
    }

    private mutating func symbol(_ s: String) -> Bool {
        if current == .symbol(s) { position += 1; return true }
        return false
    }

    private mutating func identifier() throws(WQLError) -> String {
        guard case .word(let w)? = current else { throw WQLError(description: "expected a name at token \(position + 1)") }
        position += 1
        return w
    }

    mutating func query() throws(WQLError) -> WQLQuery {
        guard keyword("SELECT") else { throw WQLError(description: "only SELECT queries are supported") }
        var properties: [String]?
        if !symbol("*") {
            var names = [try identifier()]
            while symbol(",") { names.append(try identifier()) }
            properties = names
        }
        guard keyword("FROM") else { throw WQLError(description: "expected FROM") }
        let className = try identifier()
        var condition: WQLQuery.Condition?
        if keyword("WHERE") { condition = try orExpression() }
        guard current == nil else { throw WQLError(description: "unexpected text after the query at token \(position + 1)") }
        return WQLQuery(properties: properties, className: className, condition: condition)
    }

    private mutating func orExpression() throws(WQLError) -> WQLQuery.Condition {
        var left = try andExpression()
        while keyword("OR") { left = .or(left, try andExpression()) }
        return left
    }

    private mutating func andExpression() throws(WQLError) -> WQLQuery.Condition {
        var left = try notExpression()
        while keyword("AND") { left = .and(left, try notExpression()) }
        return left
    }

    private mutating func notExpression() throws(WQLError) -> WQLQuery.Condition {
        if keyword("NOT") { return .not(try notExpression()) }
        if symbol("(") {
            let inner = try orExpression()
            guard symbol(")") else { throw WQLError(description: "expected )") }
            return inner
        }
        let name = try identifier()
        if keyword("IS") {
            let negated = keyword("NOT")
            guard keyword("NULL") else { throw WQLError(description: "expected NULL after IS") }
            return .isNull(name, negated: negated)
        }
        if keyword("LIKE") {
            guard case .string(let pattern)? = current else { throw WQLError(description: "LIKE needs a string pattern") }
            position += 1
            return .like(name, pattern)
        }
        guard case .symbol(let s)? = current, let op = WQLQuery.Operator(rawValue: s) else {
            throw WQLError(description: "expected a comparison after \(name)")
        }
        position += 1
        return .compare(name, op, try literal())
    }

    private mutating func literal() throws(WQLError) -> WQLQuery.Literal {
        switch current {
        case .string(let s)?: position += 1; return .string(s)
        case .number(let n)?: position += 1; return .number(n)
        case .word(let w)? where ["TRUE", "FALSE", "NULL"].contains(w.uppercased()):
            position += 1
            return w.uppercased() == "NULL" ? .null : .boolean(w.uppercased() == "TRUE")
        default: throw WQLError(description: "expected a literal at token \(position + 1)")
        }
    }
}
