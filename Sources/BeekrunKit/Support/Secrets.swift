import Foundation

/// Every password beekrun has seen, so that no output, log or error can ever show one.
///
/// Connection strings register their password when parsed; `redact` replaces each
/// occurrence with `****`. Output paths (the reporter, `print`, error messages) all
/// pass text through it, so a password that slipped into a server message or a runbook's
/// `print(env("PROD_DATABASE_URL"))` is still masked.
public final class Secrets: @unchecked Sendable {
    public static let shared = Secrets()
    private let lock = NSLock()
    private var values: Set<String> = []

    public init() {}

    public func register(_ secret: String?) {
        // A password this short cannot be masked as free text without mangling other words;
        // it is still masked wherever it sits in a connection string (see `redact`).
        guard let secret, secret.count >= 3 else { return }
        lock.lock(); defer { lock.unlock() }
        values.insert(secret)
        // libpq URIs may carry the password percent-encoded, in upper or lower case hex.
        if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
            values.insert(encoded)
            values.insert(Secrets.lowercasingHex(encoded))
        }
    }

    /// `%2F` → `%2f`: both spell the same byte.
    static func lowercasingHex(_ encoded: String) -> String {
        var out = ""
        var rest = Substring(encoded)
        while let i = rest.firstIndex(of: "%") {
            out += rest[..<i]
            let hex = rest[i...].prefix(3)
            out += hex.lowercased()
            rest = rest[hex.endIndex...]
        }
        return out + rest
    }

    /// Masks every password: those registered (as text, however a URI encodes them), and by
    /// meaning, whatever is in the password place of a connection string in the text (URI
    /// userinfo, `?password=`, `password=` keywords with quotes or backslash escapes), however
    /// short or however encoded.
    public func redact(_ text: String) -> String {
        lock.lock(); let known = values; lock.unlock()
        var out = text.contains("://") || text.range(of: "password", options: .caseInsensitive) != nil
            ? ConnectionString.mask(text) : text
        guard !known.isEmpty else { return out }
        // Longest first, so a secret containing another is masked whole.
        for secret in known.sorted(by: { $0.count > $1.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "****")
        }
        return out
    }
}
