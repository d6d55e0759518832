import CLibPQ
import Foundation

/// A libpq connection string (URI or `key=value` form) that knows how to show itself
/// without its password.
public struct ConnectionString: Sendable, CustomStringConvertible {
    /// The string as given, password included. Only ever handed to libpq.
    let raw: String
    public let host: String?
    public let port: String?
    public let user: String?
    public let database: String?
    let password: String?

    /// Parses with libpq's own parser, so anything libpq accepts is accepted here.
    /// - Throws: `BeekError.invalidConnectionString` with libpq's reason, password removed.
    public init(_ raw: String) throws {
        self.raw = raw
        var errmsg: UnsafeMutablePointer<CChar>? = nil
        guard let options = PQconninfoParse(raw, &errmsg) else {
            var reason = "not a valid connection string"
            if let errmsg {
                reason = String(cString: errmsg).trimmingCharacters(in: .whitespacesAndNewlines)
                PQfreemem(errmsg)
            }
            // The parser's message may quote the string back; mask before anything sees it.
            Secrets.shared.register(ConnectionString.passwordGuess(in: raw))
            throw BeekError.invalidConnectionString(
                Secrets.shared.redact(ConnectionString.mask(raw)), reason: Secrets.shared.redact(ConnectionString.mask(reason)))
        }
        defer { PQconninfoFree(options) }
        var fields: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { fields[String(cString: keyword)] = String(cString: value) }
            option = option.advanced(by: 1)
        }
        host = fields["host"] ?? fields["hostaddr"]
        port = fields["port"]
        user = fields["user"]
        database = fields["dbname"]
        password = fields["password"]
        Secrets.shared.register(password)
    }

    /// The string with its password replaced by `****`, for every display.
    public var description: String { Secrets.shared.redact(ConnectionString.mask(raw)) }

    /// A short human name: `user@host:port/db`.
    public var summary: String {
        var s = ""
        if let user { s += user + "@" }
        s += host.map { $0.hasPrefix("/") ? "socket:\($0)" : $0 } ?? "localhost"
        if let port { s += ":" + port }
        if let database { s += "/" + database }
        return s
    }

    /// Masks passwords in URI userinfo, in `?password=` parameters and in `password=` keywords.
    static func mask(_ text: String) -> String {
        var out = text
        let patterns = [
            #"(postgres(?:ql)?://[^:@/\s]*:)([^@\s]*)(@)"#,      // postgres://user:secret@host
            #"([?&]password=)([^&\s]*)()"#,                      // ...?password=secret
            #"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|(?:[^\s'\\]|\\.)+)()"#, // password=secret / password='a b' / password=a\ b
        ]
        for pattern in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            let range = NSRange(out.startIndex..., in: out)
            out = regex.stringByReplacingMatches(in: out, range: range, withTemplate: "$1****$3")
        }
        return out
    }

    /// Best effort for strings libpq refused to parse: whatever sits where a password would.
    static func passwordGuess(in text: String) -> String? {
        let masked = mask(text)
        guard masked != text else { return nil }
        // Compare character by character to find the removed run.
        let a = Array(text), b = Array(masked)
        var start = 0
        while start < min(a.count, b.count), a[start] == b[start] { start += 1 }
        var endA = a.count, endB = b.count
        while endA > start, endB > start, a[endA - 1] == b[endB - 1] { endA -= 1; endB -= 1 }
        return endA > start ? String(a[start..<endA]) : nil
    }
}
