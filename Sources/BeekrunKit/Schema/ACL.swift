/// One `aclitem`: `grantee=privileges/grantor`, grantee "" meaning PUBLIC.
public struct ACLItem: Sendable, Equatable, Hashable {
    public var grantee: String
    /// Privilege letters as PostgreSQL prints them (`arwdDxt`, `X`, `U`, `UC` …), in that order.
    public var privileges: [Character]
    /// The subset granted WITH GRANT OPTION.
    public var grantable: Set<Character>
    public var grantor: String

    public init(grantee: String, privileges: [Character], grantable: Set<Character>, grantor: String) {
        self.grantee = grantee; self.privileges = privileges; self.grantable = grantable; self.grantor = grantor
    }

    /// Parses `aclitem` output; role names come quoted like identifiers when they need it.
    public init?(parsing text: String) {
        var chars = Array(text)[...]
        func name() -> String? {
            if chars.first == "\"" {
                chars = chars.dropFirst()
                var out = ""
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if c == "\"" {
                        if chars.first == "\"" { out.append("\""); chars = chars.dropFirst() } else { return out }
                    } else { out.append(c) }
                }
                return nil
            }
            var out = ""
            while let c = chars.first, c != "=", c != "/" { out.append(c); chars = chars.dropFirst() }
            return out
        }
        guard let grantee = name(), chars.first == "=" else { return nil }
        chars = chars.dropFirst()
        var privileges: [Character] = [], grantable = Set<Character>()
        while let c = chars.first, c != "/" {
            chars = chars.dropFirst()
            if c == "*", let last = privileges.last { grantable.insert(last) } else { privileges.append(c) }
        }
        guard chars.first == "/" else { return nil }
        chars = chars.dropFirst()
        guard let grantor = name() else { return nil }
        self.init(grantee: grantee, privileges: privileges, grantable: grantable, grantor: grantor)
    }

    /// An ACL read with `array_to_string(acl, E'\n')`: nil stays nil (the default ACL).
    static func list(_ text: String?) -> [ACLItem]? {
        guard let text else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { ACLItem(parsing: String($0)) }
    }

    static let keywords: [Character: String] = [
        "r": "SELECT", "w": "UPDATE", "a": "INSERT", "d": "DELETE", "D": "TRUNCATE", "x": "REFERENCES",
        "t": "TRIGGER", "X": "EXECUTE", "U": "USAGE", "C": "CREATE", "c": "CONNECT", "T": "TEMPORARY",
        "m": "MAINTAIN", "s": "SET", "A": "ALTER SYSTEM",
    ]
}

/// Which GRANT/REVOKE statements turn one ACL into another.
enum ACLPlanner {
    /// Statements that change `current` into `target` on `object` (e.g. `TABLE public.t`,
    /// `FUNCTION public.f(integer)`, `SCHEMA public`, or `(col) ON TABLE`-style via `columns`).
    ///
    /// Existing entries are changed in place (revoke or grant just the differing privileges) and
    /// new grantees are granted in the target's order, because PostgreSQL appends new entries: the
    /// resulting array then matches the source entry for entry, which is what pg_dump compares.
    static func statements(from current: [ACLItem], to target: [ACLItem], object: String,
                           column: String? = nil) -> [String] {
        // Entries that stay keep their place and new ones are appended; when that would not give
        // the target's order, the entries from the first misplaced one on are revoked and granted
        // again in order.
        let survivors = current.map(\.grantee).filter { g in target.contains { $0.grantee == g && !$0.privileges.isEmpty } }
        let predicted = survivors + target.map(\.grantee).filter { g in !survivors.contains(g) }
        let wanted = target.map(\.grantee)
        if predicted != wanted, let i = zip(predicted, wanted).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            let prefix = Array(target[..<i])
            return inPlace(from: current, to: prefix, object: object, column: column)
                + inPlace(from: prefix, to: target, object: object, column: column)
        }
        return inPlace(from: current, to: target, object: object, column: column)
    }

    private static func inPlace(from current: [ACLItem], to target: [ACLItem], object: String,
                                column: String?) -> [String] {
        func grantee(_ g: String) -> String { g.isEmpty ? "PUBLIC" : SQL.quoteIdent(g) }
        func privs(_ letters: [Character]) -> String {
            letters.compactMap { ACLItem.keywords[$0] }.map { p in column.map { "\(p) (\($0))" } ?? p }
                .joined(separator: ",")
        }
        var out: [String] = []
        let targetBy = Dictionary(target.map { ($0.grantee, $0) }, uniquingKeysWith: { a, _ in a })
        for have in current {
            let want = targetBy[have.grantee]
            let missing = have.privileges.filter { !(want?.privileges.contains($0) ?? false) }
            if !missing.isEmpty {
                out.append("REVOKE \(privs(missing)) ON \(object) FROM \(grantee(have.grantee));")
            }
            let lostOption = have.grantable.filter { want?.privileges.contains($0) == true && !(want?.grantable.contains($0) ?? false) }
            if !lostOption.isEmpty {
                let ordered = have.privileges.filter { lostOption.contains($0) }
                out.append("REVOKE GRANT OPTION FOR \(privs(ordered)) ON \(object) FROM \(grantee(have.grantee));")
            }
        }
        let currentBy = Dictionary(current.map { ($0.grantee, $0) }, uniquingKeysWith: { a, _ in a })
        for want in target {
            let have = currentBy[want.grantee]
            let plain = want.privileges.filter { !want.grantable.contains($0) && !(have?.privileges.contains($0) ?? false) }
            let withOption = want.privileges.filter { want.grantable.contains($0) && !(have?.grantable.contains($0) ?? false) }
            if !plain.isEmpty { out.append("GRANT \(privs(plain)) ON \(object) TO \(grantee(want.grantee));") }
            if !withOption.isEmpty {
                out.append("GRANT \(privs(withOption)) ON \(object) TO \(grantee(want.grantee)) WITH GRANT OPTION;")
            }
        }
        return out
    }

    /// `acldefault(kind, owner)` as PostgreSQL hard-wires it, for comparing a NULL ACL with a
    /// set one without asking a server ("r" relation, "s" sequence, "f" routine, "T" type,
    /// "n" schema). PostgreSQL 17 added MAINTAIN (`m`) for relations.
    static func builtinDefault(kind: String, owner: String, serverVersion: Int) -> [ACLItem] {
        func item(_ grantee: String, _ privileges: String) -> ACLItem {
            ACLItem(grantee: grantee, privileges: Array(privileges), grantable: [], grantor: owner)
        }
        switch kind {
        case "r": return [item(owner, serverVersion >= 170000 ? "arwdDxtm" : "arwdDxt")]
        case "s": return [item(owner, "rwU")]
        case "f": return [item("", "X"), item(owner, "X")]
        case "T": return [item("", "U"), item(owner, "U")]
        case "n": return [item(owner, "UC")]
        default: return []
        }
    }
}
