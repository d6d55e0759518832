/// One difference between two schema models.
public struct SchemaChange: Sendable, Equatable, CustomStringConvertible {
    /// Seen from the migration that makes b equal to a: `add` is in a only, `drop` in b only,
    /// `alter` in both but different.
    public enum Change: String, Sendable { case add, drop, alter }
    /// table, column, view, function, index, constraint, trigger, policy, privileges, comment, …
    public var kind: String
    /// The object, qualified and quoted as in SQL (`public.profiles`, `public.profiles.age`).
    public var name: String
    public var change: Change
    /// What differs, in words (`type integer → bigint`); empty for a plain add or drop.
    public var detail: String

    public init(kind: String, name: String, change: Change, detail: String = "") {
        self.kind = kind; self.name = name; self.change = change; self.detail = detail
    }

    /// `+ table public.t`, `~ column public.t.a: type integer → bigint`.
    public var description: String {
        let sign = change == .add ? "+" : change == .drop ? "-" : "~"
        return "\(sign) \(kind) \(name)" + (detail.isEmpty ? "" : ": \(detail)")
    }
}

/// The result of `Diff.compare`.
public struct SchemaDiff: Sendable {
    public var changes: [SchemaChange]
    /// The migration that makes b equal to a, dependency-ordered, as statements with their hazards.
    public var statements: [SchemaStatement]
    /// What the migration cannot do, one line each (printed as `-- MANUAL:` lines after it).
    public var manual: [String]
    /// The migration as SQL; statements that can lose data or lock or rewrite a table are
    /// preceded by a `-- HAZARD:` comment.
    public var sql: String {
        let lines = statements.map(\.rendered) + manual.map { "-- MANUAL: \($0)" }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
    public var isEmpty: Bool { changes.isEmpty }

    /// Terraform-like text: one line per change and a closing count line.
    public var summary: String {
        if changes.isEmpty { return "No differences." }
        var lines = changes.map(\.description)
        let add = changes.filter { $0.change == .add }.count, alter = changes.filter { $0.change == .alter }.count
        let drop = changes.filter { $0.change == .drop }.count
        lines.append("Plan: \(add) to add, \(alter) to change, \(drop) to destroy.")
        return lines.joined(separator: "\n")
    }
}

/// Choices a migration can make differently.
public struct DiffOptions: Sendable {
    /// Re-create (copying the rows) tables whose columns would otherwise end up in another order
    /// than a's (a column added in the middle comes at the end). Off: the summary says so.
    public var reorderColumns = false
    public init(reorderColumns: Bool = false) { self.reorderColumns = reorderColumns }
}

public enum Diff {
    /// Compares two models object by object. Only what the catalogs make observable is compared:
    /// not OIDs, not attribute numbers (dropped-column gaps), not creation order.
    public static func compare(a: SchemaModel, b: SchemaModel, options: DiffOptions = DiffOptions()) -> SchemaDiff {
        var builder = DiffBuilder(a: a, b: b)
        builder.options = options
        builder.run()
        return SchemaDiff(changes: builder.changes, statements: builder.migration(), manual: builder.manual)
    }

    /// Reads `schemas` from both databases (read only) and compares them.
    public static func compare(a: PGConnection, b: PGConnection, schemas: [String], options: DiffOptions = DiffOptions()) throws -> SchemaDiff {
        compare(a: try CatalogReader.read(a, schemas: schemas), b: try CatalogReader.read(b, schemas: schemas), options: options)
    }
}
