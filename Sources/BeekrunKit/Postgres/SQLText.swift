/// A light reading of SQL text: enough to count statements, never to interpret them.
enum SQLText {
    /// Statements in `sql`: semicolons outside quotes ('…', E'…', "…", $tag$…$tag$) and comments
    /// (-- …, /* … */, nested) separate them; empty ones do not count.
    static func statementCount(_ sql: String) -> Int {
        let c = Array(sql.unicodeScalars)
        var i = 0, count = 0, hasContent = false
        func at(_ k: Int) -> Unicode.Scalar? { k < c.count ? c[k] : nil }
        while i < c.count {
            let ch = c[i]
            if ch == "-" && at(i + 1) == "-" {
                while i < c.count && c[i] != "\n" { i += 1 }
                continue
            }
            if ch == "/" && at(i + 1) == "*" {
                var depth = 1
                i += 2
                while i < c.count && depth > 0 {
                    if c[i] == "/" && at(i + 1) == "*" { depth += 1; i += 2 } else if c[i] == "*" && at(i + 1) == "/" { depth -= 1; i += 2 } else { i += 1 }
                }
                continue
            }
            if ch == ";" {
                if hasContent { count += 1 }
                hasContent = false
                i += 1
                continue
            }
            if !ch.properties.isWhitespace { hasContent = true }
            if ch == "'" || ch == "\"" {
                let escapes = ch == "'" && i > 0 && (c[i - 1] == "E" || c[i - 1] == "e")
                i += 1
                while i < c.count {
                    if escapes && c[i] == "\\" { i += 2; continue }
                    if c[i] == ch { if at(i + 1) == ch { i += 2; continue }; break }
                    i += 1
                }
                i += 1
                continue
            }
            if ch == "$", i == 0 || !(c[i - 1].properties.isAlphabetic || c[i - 1].properties.numericType != nil || c[i - 1] == "_") {
                var j = i + 1
                while j < c.count && (c[j].properties.isAlphabetic || c[j] == "_" || (j > i + 1 && c[j].properties.numericType != nil)) { j += 1 }
                if j < c.count && c[j] == "$" {
                    let tag = Array(c[i...j])
                    var k = j + 1
                    while k < c.count && !(c[k] == "$" && k + tag.count <= c.count && Array(c[k..<k + tag.count]) == tag) { k += 1 }
                    i = min(c.count, k + tag.count)
                    continue
                }
            }
            i += 1
        }
        return count + (hasContent ? 1 : 0)
    }
}
