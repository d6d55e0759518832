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
        guard let secret, secret.count >= 3 else { return } // too short to mask without mangling text
        lock.lock(); defer { lock.unlock() }
        values.insert(secret)
        // libpq URIs may carry the password percent-encoded.
        if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
            values.insert(encoded)
        }
    }

    public func redact(_ text: String) -> String {
        lock.lock(); let known = values; lock.unlock()
        guard !known.isEmpty else { return text }
        var out = text
        // Longest first, so a secret containing another is masked whole.
        for secret in known.sorted(by: { $0.count > $1.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "****")
        }
        return out
    }
}
