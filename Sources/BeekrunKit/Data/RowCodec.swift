import Foundation

/// Translates rows between PostgreSQL's COPY text format and the backup's JSON rows.
///
/// A backup row is one line holding a JSON array with one element per column: the value's
/// PostgreSQL text representation as a JSON string, or `null` for SQL NULL. Text is what
/// every type's input function accepts back, so every value of every type round-trips
/// through `COPY TO` / `COPY FROM` exactly; doing the translation here instead of on the
/// server (`row_to_json`, `json_populate_record`) keeps the server on its fast path.
///
/// Both directions work on raw bytes (UTF-8 is passed through untouched: in COPY text and
/// in JSON, a byte ≥ 0x80 is never an escape or a delimiter).
enum RowCodec {
    // ASCII bytes used below.
    static let tab: UInt8 = 0x09, newline: UInt8 = 0x0A, quote: UInt8 = 0x22, backslash: UInt8 = 0x5C
    static let comma: UInt8 = 0x2C, openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D

    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: COPY text → JSON

    /// Appends the JSON array of each COPY row in `copy` (whole rows, each ending in `\n`)
    /// to `out`, each row preceded by `separator(isFirst)`.
    /// - Returns: the number of rows translated.
    @discardableResult
    static func appendJSONRows(copy: UnsafeRawBufferPointer, to out: inout [UInt8],
                               firstRow: inout Bool) throws -> Int {
        let n = copy.count
        guard n > 0, let base = copy.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        var i = 0
        var rows = 0
        while i < n {
            // Rows are separated by ",\n" so that each row sits alone on a line.
            if firstRow { out.append(newline); firstRow = false } else { out.append(comma); out.append(newline) }
            out.append(openBracket)
            while true {
                // `\N` alone in a field is SQL NULL (a literal backslash-N is sent as `\\N`).
                if i + 1 < n, base[i] == backslash, base[i + 1] == 0x4E,
                   i + 2 == n || base[i + 2] == tab || base[i + 2] == newline {
                    out.append(contentsOf: nullBytes)
                    i += 2
                } else {
                    out.append(quote)
                    var run = i
                    while i < n {
                        let c = base[i]
                        if c >= 0x20 && c != quote && c != backslash && c != 0xEF { i += 1; continue }
                        if c == tab || c == newline { break }
                        if c == 0xEF {
                            // U+FEFF (EF BB BF) is valid raw, but some JSON readers (Foundation
                            // on Linux) drop it at the start of a string: write it escaped.
                            guard i + 2 < n, base[i + 1] == 0xBB, base[i + 2] == 0xBF else { i += 1; continue }
                            if i > run { out.append(contentsOf: UnsafeBufferPointer(start: base + run, count: i - run)) }
                            out.append(contentsOf: byteOrderMarkEscape)
                            i += 3
                            run = i
                            continue
                        }
                        // Flush the plain run before the byte that needs an escape.
                        if i > run { out.append(contentsOf: UnsafeBufferPointer(start: base + run, count: i - run)) }
                        if c == backslash {
                            guard i + 1 < n else { throw FormatError(description: "COPY data ends inside an escape") }
                            switch base[i + 1] {
                            case 0x5C: out.append(backslash); out.append(backslash)      // \\ → \\
                            case 0x62: out.append(backslash); out.append(0x62)           // \b
                            case 0x66: out.append(backslash); out.append(0x66)           // \f
                            case 0x6E: out.append(backslash); out.append(0x6E)           // \n
                            case 0x72: out.append(backslash); out.append(0x72)           // \r
                            case 0x74: out.append(backslash); out.append(0x74)           // \t
                            case 0x76: appendUnicodeEscape(0x0B, to: &out)              // \v has no JSON form
                            default:
                                // The server's COPY output uses only the escapes above.
                                throw FormatError(description: "unexpected COPY escape \\\(Character(UnicodeScalar(base[i + 1])))")
                            }
                            i += 2
                        } else if c == quote {
                            out.append(backslash); out.append(quote); i += 1
                        } else {
                            // Other control characters arrive raw; JSON needs them escaped.
                            appendUnicodeEscape(c, to: &out); i += 1
                        }
                        run = i
                    }
                    if i > run { out.append(contentsOf: UnsafeBufferPointer(start: base + run, count: i - run)) }
                    out.append(quote)
                }
                guard i < n else { throw FormatError(description: "COPY row does not end with a newline") }
                if base[i] == tab { out.append(comma); i += 1; continue }
                out.append(closeBracket); i += 1 // newline: the row is complete
                break
            }
            rows += 1
        }
        return rows
    }

    static let nullBytes: [UInt8] = Array("null".utf8)
    static let byteOrderMarkEscape: [UInt8] = Array("\\ufeff".utf8)
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendUnicodeEscape(_ c: UInt8, to out: inout [UInt8]) {
        out.append(contentsOf: [backslash, 0x75, 0x30, 0x30, hexDigits[Int(c >> 4)], hexDigits[Int(c & 0xF)]])
    }

    // MARK: JSON → COPY text

    /// Appends the COPY text row for one JSON row line (`[…]`, optionally followed by `,`).
    /// - Returns: the number of fields in the row.
    @discardableResult
    static func appendCopyRow(json line: UnsafeRawBufferPointer, to out: inout [UInt8]) throws -> Int {
        let n = line.count
        guard n > 0, let p = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw FormatError(description: "empty row")
        }
        var i = 0
        func skipSpace() { while i < n, p[i] == 0x20 || p[i] == tab || p[i] == 0x0D || p[i] == newline { i += 1 } }
        skipSpace()
        guard i < n, p[i] == openBracket else { throw FormatError(description: "a row must be a JSON array") }
        i += 1
        skipSpace()
        var fields = 0
        if i < n, p[i] == closeBracket {
            i += 1
        } else {
            while true {
                skipSpace()
                guard i < n else { throw FormatError(description: "row ends early") }
                if fields > 0 { out.append(tab) }
                if p[i] == quote {
                    i += 1
                    try appendCopyString(p, n, &i, to: &out)
                } else if i + 4 <= n, p[i] == 0x6E, p[i + 1] == 0x75, p[i + 2] == 0x6C, p[i + 3] == 0x6C {
                    out.append(backslash); out.append(0x4E) // null → \N
                    i += 4
                } else {
                    throw FormatError(description: "a value must be a JSON string or null")
                }
                fields += 1
                skipSpace()
                guard i < n else { throw FormatError(description: "row ends early") }
                if p[i] == comma { i += 1; continue }
                if p[i] == closeBracket { i += 1; break }
                throw FormatError(description: "expected , or ] in row")
            }
        }
        skipSpace()
        if i < n, p[i] == comma { i += 1 }
        skipSpace()
        guard i == n else { throw FormatError(description: "unexpected text after row") }
        out.append(newline)
        return fields
    }

    /// Reads a JSON string body (after the opening quote) up to its closing quote and
    /// appends it with COPY text escaping.
    private static func appendCopyString(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int,
                                         to out: inout [UInt8]) throws {
        var run = i
        while i < n {
            let c = p[i]
            if c >= 0x20 && c != quote && c != backslash { i += 1; continue }
            if i > run { out.append(contentsOf: UnsafeBufferPointer(start: p + run, count: i - run)) }
            if c == quote { i += 1; return }
            if c == backslash {
                guard i + 1 < n else { throw FormatError(description: "string ends inside an escape") }
                let e = p[i + 1]
                i += 2
                switch e {
                case quote: out.append(quote)
                case backslash: out.append(backslash); out.append(backslash)
                case 0x2F: out.append(0x2F)                                  // \/
                case 0x62: out.append(backslash); out.append(0x62)           // \b
                case 0x66: out.append(backslash); out.append(0x66)           // \f
                case 0x6E: out.append(backslash); out.append(0x6E)           // \n
                case 0x72: out.append(backslash); out.append(0x72)           // \r
                case 0x74: out.append(backslash); out.append(0x74)           // \t
                case 0x75: try appendUnicode(p, n, &i, to: &out)
                default: throw FormatError(description: "invalid JSON escape")
                }
            } else {
                // A raw control character (not valid JSON, but harmless): escape it for COPY.
                appendCopyControl(c, to: &out)
                i += 1
            }
            run = i
        }
        throw FormatError(description: "unterminated string")
    }

    private static func hexValue(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) throws -> UInt32 {
        guard i + 4 <= n else { throw FormatError(description: "short \\u escape") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = p[i + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw FormatError(description: "bad \\u escape")
            }
            v = v << 4 | d
        }
        return v
    }

    private static func appendUnicode(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int,
                                      to out: inout [UInt8]) throws {
        var code = try hexValue(p, n, i)
        i += 4
        if code >= 0xD800 && code < 0xDC00 {
            guard i + 6 <= n, p[i] == backslash, p[i + 1] == 0x75 else {
                throw FormatError(description: "lone surrogate in \\u escape")
            }
            let low = try hexValue(p, n, i + 2)
            guard low >= 0xDC00 && low < 0xE000 else { throw FormatError(description: "bad surrogate pair") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            i += 6
        } else if code >= 0xDC00 && code < 0xE000 {
            throw FormatError(description: "lone surrogate in \\u escape")
        }
        if code == 0 { throw FormatError(description: "\\u0000 cannot be stored in PostgreSQL text") }
        if code < 0x80 {
            let c = UInt8(code)
            if c == backslash { out.append(backslash); out.append(backslash) }
            else if c < 0x20 { appendCopyControl(c, to: &out) }
            else { out.append(c) }
            return
        }
        guard let scalar = UnicodeScalar(code) else { throw FormatError(description: "invalid code point") }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// COPY text needs escapes only for the row and field delimiters and carriage return;
    /// the named escapes are used for readability of the stream, the rest go raw.
    private static func appendCopyControl(_ c: UInt8, to out: inout [UInt8]) {
        switch c {
        case 0x08: out.append(backslash); out.append(0x62)
        case 0x09: out.append(backslash); out.append(0x74)
        case 0x0A: out.append(backslash); out.append(0x6E)
        case 0x0B: out.append(backslash); out.append(0x76)
        case 0x0C: out.append(backslash); out.append(0x66)
        case 0x0D: out.append(backslash); out.append(0x72)
        default: out.append(c)
        }
    }
}
