import Foundation

/// A small SQL lexer that knows where one statement ends and the next begins, the way the
/// server and psql see it: `--` and nested `/* */` comments, '…' and E'…' strings, "…"
/// identifiers, $tag$ … $tag$ bodies, and `BEGIN ATOMIC … END` bodies of SQL functions.
///
/// beekrun's one reading of SQL text, used for three things:
/// - refusing transaction control (BEGIN, COMMIT, END …) in SQL a runbook hands over, before
///   anything of it runs: a COMMIT smuggled into query(), exec() or a migration file would end
///   the transaction beekrun opened, and with it the all-or-nothing promise (the server's own
///   transaction status is checked afterwards too);
/// - counting statements (several statements cannot take `$n` parameters);
/// - splitting a migration into the statements the Supabase CLI records in its history;
/// - checking that a backup's `where` filter is one expression that stays inside its SELECT.
public enum SQLStatements {
    /// The statements of a script as the Supabase CLI records them in
    /// `supabase_migrations.schema_migrations.statements`: cut at each `;` outside strings,
    /// quoted identifiers, comments, dollar-quoted and `BEGIN ATOMIC` bodies; each piece without
    /// its `;` and surrounding white space; empty pieces dropped; comments stay with the
    /// statement they precede.
    public static func split(_ sql: String) -> [String] {
        pieces(of: sql, count: 0).map(\.text).filter { !$0.isEmpty }
    }

    /// How many statements `sql` holds (comments and empty statements do not count).
    public static func statementCount(_ sql: String) -> Int {
        statements(of: sql, count: 1).count
    }

    /// The first words of every statement, upper-cased (comments and blank statements skipped).
    public static func leadingWords(of sql: String, count: Int = 2) -> [[String]] {
        statements(of: sql, count: count).map(\.words)
    }

    /// The first words of every statement and the line (1-based) it starts on.
    public static func statements(of sql: String, count: Int = 2) -> [(words: [String], line: Int)] {
        pieces(of: sql, count: count).filter { !$0.words.isEmpty }.map { ($0.words, $0.line) }
    }

    /// Why `text` cannot be one SQL expression placed inside `WHERE ( … )`, or nil when it can:
    /// a top-level `;`, a `)` closing more than it opened (leaving the parentheses beekrun puts
    /// around it), an unclosed `(`, string, quoted identifier, comment or dollar-quoted body, or
    /// transaction control. Whether it is a valid expression is the server's to say.
    public static func expressionProblem(_ text: String) -> String? {
        var shape = Shape()
        let found = pieces(of: text, count: 2, shape: &shape)
        if found.count > 1 { return "it holds a ';' (one expression is allowed, not statements)" }
        if let control = transactionControlStatement(in: text) { return "'\(control.words)' is transaction control" }
        if let open = shape.unterminated { return "it has an unclosed \(open)" }
        if shape.closedTooMany { return "a ')' closes a parenthesis it did not open" }
        if shape.depth > 0 { return "it has an unclosed '('" }
        if found.first?.words.isEmpty ?? true { return "it is empty" }
        return nil
    }

    /// What the lexer saw besides statements: parentheses and anything left open at the end.
    struct Shape {
        var depth = 0
        var closedTooMany = false
        var unterminated: String?
    }

    /// Every piece between top-level semicolons: its trimmed text, its first `count` words
    /// (empty for a piece of comments only) and the line its first word is on.
    private static func pieces(of sql: String, count: Int) -> [(text: String, words: [String], line: Int)] {
        var shape = Shape()
        return pieces(of: sql, count: count, shape: &shape)
    }

    private static func pieces(of sql: String, count: Int, shape: inout Shape) -> [(text: String, words: [String], line: Int)] {
        var statements: [(text: String, words: [String], line: Int)] = []
        var pieceStart = 0 // offset just after the previous top-level ';'
        var start = 0 // offset of the current statement's first word
        var words: [String] = [] // every word of the current statement, up to what we need
        var atomicDepth = 0      // inside CREATE FUNCTION … BEGIN ATOMIC … END
        var allWords: [String] = []
        let s = Array(sql.unicodeScalars)
        var i = 0
        func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isIdentPart(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || ("0"..."9").contains(c) || c == "$" }
        func finish() {
            let text = String(String.UnicodeScalarView(s[min(pieceStart, s.count)..<min(i, s.count)]))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let line = s[..<min(start, s.count)].filter { $0 == "\n" }.count + 1
            statements.append((text, Array(words.prefix(count)), line))
            words = []
            allWords = []
            atomicDepth = 0
        }
        while i < s.count {
            let c = s[i]
            let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
            if c == "-" && next == "-" {
                while i < s.count && s[i] != "\n" { i += 1 }
            } else if c == "/" && next == "*" {
                var depth = 1
                i += 2
                while i < s.count && depth > 0 {
                    if s[i] == "/" && i + 1 < s.count && s[i + 1] == "*" { depth += 1; i += 2 }
                    else if s[i] == "*" && i + 1 < s.count && s[i + 1] == "/" { depth -= 1; i += 2 }
                    else { i += 1 }
                }
                if depth > 0 { shape.unterminated = "comment" }
            } else if c == "'" || c == "\"" {
                // E'…' strings take backslash escapes; the E was read as a word just before.
                let escapes = c == "'" && i > 0 && (s[i - 1] == "E" || s[i - 1] == "e") && (i < 2 || !isIdentPart(s[i - 2]))
                i += 1
                while i < s.count {
                    if escapes && s[i] == "\\" { i += 2; continue }
                    if s[i] == c {
                        if i + 1 < s.count && s[i + 1] == c { i += 2; continue }
                        break
                    }
                    i += 1
                }
                if i >= s.count { shape.unterminated = c == "'" ? "string" : "quoted identifier" }
                i += 1
                if words.isEmpty { words.append(c == "'" ? "'" : "\""); start = i }
            } else if c == "$", let (tag, end) = dollarTag(s, i) {
                // $tag$ … $tag$: find the closing tag.
                var j = end
                var closed = s.count
                while j < s.count {
                    if s[j] == "$", j + tag.count <= s.count, Array(s[j..<(j + tag.count)]) == tag { closed = j + tag.count; break }
                    j += 1
                }
                if closed == s.count && (j >= s.count) { shape.unterminated = "dollar-quoted body" }
                i = closed
                if words.isEmpty { words.append("$"); start = i }
            } else if c == ";" && atomicDepth == 0 {
                finish()
                i += 1
                pieceStart = i
            } else if isIdentStart(c) {
                var j = i
                while j < s.count && isIdentPart(s[j]) { j += 1 }
                let word = String(String.UnicodeScalarView(s[i..<j])).uppercased()
                if words.isEmpty { start = i }
                if words.count < max(count, 1) { words.append(word) }
                // Track BEGIN ATOMIC bodies of CREATE FUNCTION/PROCEDURE (as psql does).
                if words.first == "CREATE" {
                    if word == "ATOMIC", allWords.last == "BEGIN" { atomicDepth += 1 }
                    else if atomicDepth > 0, word == "CASE" { atomicDepth += 1 }
                    else if atomicDepth > 0, word == "END" { atomicDepth -= 1 }
                }
                allWords.append(word)
                if allWords.count > 4 { allWords.removeFirst() }
                i = j
            } else {
                if words.isEmpty && !c.properties.isWhitespace { words.append(String(c)); start = i }
                if c == "(" { shape.depth += 1 }
                if c == ")" { shape.depth -= 1; if shape.depth < 0 { shape.closedTooMany = true } }
                i += 1
            }
        }
        finish()
        return statements
    }

    /// The opening `$tag$` at `i` (tag may be empty; `$1` is a parameter, not a tag).
    private static func dollarTag(_ s: [Unicode.Scalar], _ i: Int) -> ([Unicode.Scalar], Int)? {
        if i > 0, s[i - 1] == "_" || s[i - 1].properties.isAlphabetic || ("0"..."9").contains(s[i - 1]) { return nil }
        var j = i + 1
        if j < s.count, ("0"..."9").contains(s[j]) { return nil }
        while j < s.count, s[j] == "_" || s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) { j += 1 }
        guard j < s.count, s[j] == "$" else { return nil }
        return (Array(s[i...j]), j + 1)
    }

    /// The first transaction-control statement in `sql` ("COMMIT", "END", "PREPARE TRANSACTION" …),
    /// or nil when there is none.
    public static func transactionControl(in sql: String) -> String? {
        transactionControlStatement(in: sql)?.words
    }

    /// The first transaction-control statement and the line it starts on.
    public static func transactionControlStatement(in sql: String) -> (words: String, line: Int)? {
        let control: Set<String> = ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"]
        for statement in statements(of: sql) {
            let words = statement.words
            guard let first = words.first else { continue }
            if control.contains(first) { return (words.joined(separator: " "), statement.line) }
            if first == "PREPARE", words.count > 1, words[1] == "TRANSACTION" { return ("PREPARE TRANSACTION", statement.line) }
        }
        return nil
    }
}
