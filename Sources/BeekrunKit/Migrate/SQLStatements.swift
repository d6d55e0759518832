/// Splits a SQL script into its statements the way the Supabase CLI records them in
/// `supabase_migrations.schema_migrations.statements`: cut at each `;` that is outside a
/// quoted string, quoted identifier, comment or dollar-quoted body; each piece loses its
/// trailing `;` and surrounding white space; empty pieces are dropped. Comments stay in the
/// statement they precede, as in the CLI's history.
public enum SQLStatements {
    public static func split(_ sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var start = 0
        var i = 0
        func emit(_ end: Int) {
            var piece = String(String.UnicodeScalarView(chars[start..<end]))
            while piece.hasSuffix(";") { piece.removeLast() }
            piece = piece.trimmingCharacters(in: .whitespacesAndNewlines)
            if !piece.isEmpty { statements.append(piece) }
        }
        func at(_ k: Int) -> Unicode.Scalar? { k < chars.count ? chars[k] : nil }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "-" where at(i + 1) == "-":
                while i < chars.count && chars[i] != "\n" { i += 1 }
            case "/" where at(i + 1) == "*":
                var depth = 1
                i += 2
                while i < chars.count && depth > 0 {
                    if chars[i] == "/" && at(i + 1) == "*" { depth += 1; i += 2 }
                    else if chars[i] == "*" && at(i + 1) == "/" { depth -= 1; i += 2 }
                    else { i += 1 }
                }
            case "'", "\"":
                // E'…' strings take backslash escapes; doubled quotes escape everywhere.
                let escapes = c == "'" && i > 0 && (chars[i - 1] == "E" || chars[i - 1] == "e")
                i += 1
                while i < chars.count {
                    if escapes && chars[i] == "\\" { i += 2; continue }
                    if chars[i] == c {
                        if at(i + 1) == c { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
            case "$":
                if let tag = dollarTag(chars, i) {
                    i += tag.count
                    while i < chars.count && !matches(chars, i, tag) { i += 1 }
                    i += tag.count
                } else {
                    i += 1
                }
            case ";":
                i += 1
                emit(i)
                start = i
            default:
                i += 1
            }
        }
        if start < chars.count { emit(chars.count) }
        return statements
    }

    /// `$$` or `$tag$` starting at `i` (a tag is a letter or _ then letters, digits, _), but not `$1`.
    private static func dollarTag(_ chars: [Unicode.Scalar], _ i: Int) -> [Unicode.Scalar]? {
        if i > 0, chars[i - 1].properties.isAlphabetic || ("0"..."9").contains(chars[i - 1]) || chars[i - 1] == "_" {
            return nil // part of an identifier such as a$b
        }
        var k = i + 1
        while k < chars.count, chars[k] != "$" {
            let ch = chars[k]
            let ok = ch == "_" || ch.properties.isAlphabetic || (k > i + 1 && ("0"..."9").contains(ch))
            guard ok else { return nil }
            k += 1
        }
        guard k < chars.count else { return nil }
        return Array(chars[i...k])
    }

    private static func matches(_ chars: [Unicode.Scalar], _ i: Int, _ tag: [Unicode.Scalar]) -> Bool {
        guard i + tag.count <= chars.count else { return false }
        return Array(chars[i..<(i + tag.count)]) == tag
    }
}

import Foundation
