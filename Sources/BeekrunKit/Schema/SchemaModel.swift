/// A plain, catalog-independent description of one or more schemas, as read by `CatalogReader`.
///
/// Definitions that PostgreSQL can print itself (`pg_get_functiondef`, `pg_get_viewdef`, …) are kept
/// as text, already fully qualified (they are read with an empty `search_path`), so the DDL generator
/// re-creates exactly what the server would; everything else is kept in fields.

/// The catalog identity of an object (`classid`, `objid` as in `pg_depend`). Used only to order
/// objects by their dependencies; never shown and never compared across databases.
public struct ObjectRef: Hashable, Sendable, Comparable {
    public var classid: UInt32
    public var objid: UInt32
    public init(_ classid: UInt32, _ objid: UInt32) { self.classid = classid; self.objid = objid }
    public static func < (a: ObjectRef, b: ObjectRef) -> Bool {
        (a.classid, a.objid) < (b.classid, b.objid)
    }
}

/// Fixed OIDs of the system catalogs that appear in `pg_depend.classid`.
enum CatalogClass {
    static let pgClass: UInt32 = 1259
    static let pgType: UInt32 = 1247
    static let pgProc: UInt32 = 1255
    static let pgAttrdef: UInt32 = 2604
    static let pgConstraint: UInt32 = 2606
    static let pgRewrite: UInt32 = 2618
    static let pgTrigger: UInt32 = 2620
    static let pgPolicy: UInt32 = 3256
    static let pgNamespace: UInt32 = 2615
    static let pgExtension: UInt32 = 3079
}

public struct SchemaModel: Sendable {
    /// `server_version_num` of the database read: what a NULL ACL stands for depends on it.
    public var serverVersion: Int = 0
    /// The role the catalogs were read as: on a migration's target, the role that runs it and
    /// creates what a developer adds later, so its database-wide default privileges matter.
    public var reader: String = ""
    public var schemas: [SchemaInfo] = []
    public var extensions: [ExtensionInfo] = []
    /// Extensions living outside the model's schemas whose objects the model uses (a column of
    /// type `extensions.citext`): they must exist on a clone's target.
    public var referencedExtensions: [ExtensionInfo] = []
    /// Privileges on the member objects of `extensions`, which pg_dump carries when they differ
    /// from what the extension script set (`pg_init_privs`): default privileges in effect when
    /// the extension was created give them grants.
    public var extensionMemberACLs: [ExtensionMemberACL] = []
    /// For each extension installed in the schemas, the versions this server's scripts can take
    /// it to (`pg_extension_update_paths`): a diff refuses by name a version change outside them.
    public var extensionUpdateTargets: [String: Set<String>] = [:]
    public var types: [TypeInfo] = []
    public var sequences: [SequenceInfo] = []
    public var tables: [TableInfo] = []
    public var views: [ViewInfo] = []
    public var routines: [RoutineInfo] = []
    public var constraints: [ConstraintInfo] = []
    public var indexes: [IndexInfo] = []
    public var triggers: [TriggerInfo] = []
    public var rules: [RuleInfo] = []
    public var policies: [PolicyInfo] = []
    public var defaultPrivileges: [DefaultPrivilege] = []
    public var publicationTables: [PublicationTable] = []
    public var publicationSchemas: [PublicationSchema] = []
    /// Collations, conversions, operators, text-search objects, statistics objects.
    public var objects: [SchemaObject] = []
    /// Views whose query relies on a key (`GROUP BY` a primary key): created as a placeholder
    /// before data and replaced once the keys exist, as pg_dump does.
    public var keyDependentViews: Set<ObjectRef> = []
    /// Per-index settings beyond the definition: `CLUSTER ON` a key's index, per-column
    /// `SET STATISTICS`.
    public var indexSettings: [IndexSetting] = []
    /// Database-wide default privileges (`ALTER DEFAULT PRIVILEGES FOR ROLE r … ` without
    /// `IN SCHEMA`) of the roles owning the schemas or objects in them; `schema` is "".
    public var globalDefaultPrivileges: [DefaultPrivilege] = []
    /// Foreign servers the foreign tables of these schemas use, with their wrappers; and the
    /// names of every server and wrapper in the database (to tell which a migration must make).
    public var foreignServers: [ForeignServerInfo] = []
    public var serverNames: Set<String> = []
    public var wrapperNames: Set<String> = []
    /// Publications that publish tables of these schemas, all tables, or nothing yet.
    public var publications: [PublicationInfo] = []
    /// Objects in other schemas that depend on objects of these schemas (a trigger on `auth.users`
    /// calling `public.handle_new_user()`): dropping the schemas' contents drops them too.
    public var dependents: [DependentObject] = []
    /// Objects in other schemas the model uses (the target of a clone must have them).
    public var externalReferences: [ExternalReference] = []
    /// Things in these schemas beekrun cannot reproduce; a clone refuses to start while any exists.
    public var unsupported: [String] = []
    /// Objects outside the schemas that depend on them but that beekrun cannot re-create (a view
    /// in another schema): emptying the schemas would lose them, so clone and nuke refuse.
    public var unsupportedDependents: [String] = []
    /// `pg_depend` edges among the objects created before data (types, sequences, tables,
    /// routines, views): key depends on each value.
    public var dependencies: [ObjectRef: Set<ObjectRef>] = [:]
    /// Triggers, rules, policies and domain constraints that call each routine (and policies
    /// naming each view or table), as `DiffBuilder.userKey` writes them: re-creating the routine
    /// or relation means re-creating them.
    public var routineUsers: [ObjectRef: Set<String>] = [:]
    /// The part of the `dependencies` of a table that comes from a column default or a check
    /// constraint: those can be added after the table, which breaks a cycle (a default calling
    /// a function that reads the table).
    public var partDependencies: [ObjectRef: [PartDependency]] = [:]
    /// The table columns each view or routine (SQL-standard body) uses, as "table ref" → column
    /// names: changing such a column's type needs the user re-created.
    public var usedColumns: [ObjectRef: [ObjectRef: Set<String>]] = [:]
    /// The columns each policy's expressions read, its own table's included, by policy (as
    /// `DiffBuilder.userKey` names it), then qualified relation: changing such a column's type
    /// needs the policy re-created.
    public var policyColumns: [String: [String: Set<String>]] = [:]

    public init() {}

    public var schemaNames: [String] { schemas.map(\.name) }
}

public struct SchemaInfo: Sendable, Equatable {
    public var name: String
    public var owner: String
    /// The ACL as stored (nil: never changed from the default).
    public var acl: [ACLItem]?
    public var comment: String?
}

public struct ExtensionInfo: Sendable, Equatable {
    public var name: String
    public var schema: String
    public var version: String
    public var comment: String?
    /// `extrelocatable`: whether `ALTER EXTENSION … SET SCHEMA` can move it.
    public var relocatable = true
}

/// Enums, domains, composite and range types.
public struct TypeInfo: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case enumeration(labels: [String])
        case domain(baseType: String, collation: String?, defaultExpr: String?, notNull: Bool)
        case composite(attributes: [Column])
        case range(subtype: String, opclass: String?, collation: String?, subtypeDiff: String?,
                   multirange: String?)
    }
    public var ref: ObjectRef
    public var schema: String
    public var name: String
    public var kind: Kind
    public var owner: String
    public var acl: [ACLItem]?
    public var comment: String?
    public var qualified: String { SQL.qualified(schema, name) }
    public var isDomain: Bool { if case .domain = kind { return true } else { return false } }
}

public struct SequenceInfo: Sendable, Equatable {
    public var ref: ObjectRef
    public var schema: String
    public var name: String
    public var dataType: String
    public var start: String, increment: String, minValue: String, maxValue: String, cache: String
    public var cycle: Bool
    /// `OWNED BY` (serial) or identity column: (table schema, table, column).
    public var ownedBy: (schema: String, table: String, column: String)?
    /// Part of an identity column: created by the table, not on its own.
    public var isIdentity: Bool
    public var owner: String
    public var acl: [ACLItem]?
    public var comment: String?
    public var qualified: String { SQL.qualified(schema, name) }

    public static func == (a: SequenceInfo, b: SequenceInfo) -> Bool {
        a.schema == b.schema && a.name == b.name && a.dataType == b.dataType && a.start == b.start
            && a.increment == b.increment && a.minValue == b.minValue && a.maxValue == b.maxValue
            && a.cache == b.cache && a.cycle == b.cycle && a.ownedBy?.schema == b.ownedBy?.schema
            && a.ownedBy?.table == b.ownedBy?.table && a.ownedBy?.column == b.ownedBy?.column
            && a.isIdentity == b.isIdentity && a.owner == b.owner && a.acl == b.acl && a.comment == b.comment
    }
}

public struct Column: Sendable, Equatable {
    public var name: String
    public var type: String
    /// Only when it differs from the type's own collation.
    public var collation: String?
    public var defaultExpr: String?
    /// `attgenerated = 's'`: the expression, written as `GENERATED ALWAYS AS (…) STORED`.
    public var generatedExpr: String?
    public var notNull: Bool
    /// "a" (ALWAYS) or "d" (BY DEFAULT), nil when not an identity column.
    public var identity: String?
    /// False for a column inherited from a partitioned parent.
    public var isLocal: Bool
    public var acl: [ACLItem]?
    public var comment: String?
    /// Per-column settings pg_dump also carries, as `ALTER COLUMN` clauses:
    /// `SET STATISTICS 500`, `SET STORAGE EXTERNAL`, `SET (n_distinct=5)`, `SET COMPRESSION lz4`.
    public var settings: [String] = []
}

public struct TableInfo: Sendable, Equatable {
    public var ref: ObjectRef
    public var schema: String
    public var name: String
    /// "r" table, "p" partitioned table, "f" foreign table is not supported.
    public var kind: String
    public var unlogged: Bool
    public var columns: [Column]
    /// `PARTITION BY …` for a partitioned table.
    public var partitionKey: String?
    /// The parent and bound (`FOR VALUES …` / `DEFAULT`) of a partition.
    public var partitionOf: (schema: String, name: String, bound: String)?
    /// Table inheritance (`INHERITS`): the parents, qualified and quoted, in `inhseqno` order.
    public var inherits: [String] = []
    /// A typed table (`OF type`): the composite type, qualified and quoted.
    public var ofType: String?
    /// A foreign table's server (a database-wide object the clone does not create) and options
    /// (`key=value`).
    public var foreignServer: String?
    public var foreignOptions: [String] = []
    /// Checks it inherits from a parent that holds them `NOT VALID`, validated on this table
    /// (see ValidatedInheritedChecks).
    public var validatedInheritedChecks: [String] = []
    /// `FOREIGN TABLE` or `TABLE`, as ALTER, COMMENT and DROP name it.
    public var keyword: String { kind == "f" ? "FOREIGN TABLE" : "TABLE" }
    public var options: [String]
    /// "d" default, "f" full, "n" nothing, "i" index.
    public var replicaIdentity: String
    public var replicaIdentityIndex: String?
    public var rlsEnabled: Bool
    public var rlsForced: Bool
    public var owner: String
    public var acl: [ACLItem]?
    public var comment: String?
    public var qualified: String { SQL.qualified(schema, name) }

    public static func == (a: TableInfo, b: TableInfo) -> Bool {
        a.schema == b.schema && a.name == b.name && a.kind == b.kind && a.unlogged == b.unlogged
            && a.columns == b.columns && a.partitionKey == b.partitionKey
            && a.partitionOf?.schema == b.partitionOf?.schema && a.partitionOf?.name == b.partitionOf?.name
            && a.partitionOf?.bound == b.partitionOf?.bound && a.inherits == b.inherits && a.ofType == b.ofType
            && a.foreignServer == b.foreignServer && a.foreignOptions == b.foreignOptions
            && a.options == b.options && a.validatedInheritedChecks == b.validatedInheritedChecks
            && a.replicaIdentity == b.replicaIdentity && a.replicaIdentityIndex == b.replicaIdentityIndex && a.rlsEnabled == b.rlsEnabled
            && a.rlsForced == b.rlsForced && a.owner == b.owner && a.acl == b.acl && a.comment == b.comment
    }
}

public struct ViewInfo: Sendable, Equatable {
    public var ref: ObjectRef
    public var schema: String
    public var name: String
    public var materialized: Bool
    /// `pg_get_viewdef` without the final semicolon.
    public var definition: String
    /// `reloptions`, e.g. `security_invoker=true`, `check_option=local`.
    public var options: [String]
    /// For a materialized view: whether it held data (it is refreshed after the data load).
    public var populated: Bool
    public var columns: [Column]
    public var owner: String
    public var acl: [ACLItem]?
    public var comment: String?
    public var qualified: String { SQL.qualified(schema, name) }
}

public struct RoutineInfo: Sendable, Equatable {
    public var ref: ObjectRef
    public var schema: String
    public var name: String
    /// "f" function, "p" procedure, "a" aggregate, "w" window function.
    public var kind: String
    /// `pg_get_function_identity_arguments`: the arguments with their names.
    public var identityArguments: String
    /// `regprocedure` text (qualified name and argument types, no parameter names): what tells
    /// overloads apart, and what a parameter rename does not change.
    public var regprocedure: String
    /// The complete `CREATE …` statement.
    public var definition: String
    public var owner: String
    public var acl: [ACLItem]?
    public var comment: String?
    /// `s.f(types)`, the form GRANT/COMMENT/DROP take and the key a diff matches routines by.
    public var signature: String {
        kind == "a" && identityArguments.isEmpty ? SQL.qualified(schema, name) + "(*)" : regprocedure
    }
    public var keyword: String { kind == "p" ? "PROCEDURE" : kind == "a" ? "AGGREGATE" : "FUNCTION" }
}

public struct ConstraintInfo: Sendable, Equatable {
    public var ref: ObjectRef
    public var schema: String
    public var name: String
    /// Table (or domain) the constraint is on.
    public var table: String
    public var onDomain: Bool
    /// p, u, c, f, x.
    public var type: String
    /// `pg_get_constraintdef`, including `NOT VALID`, actions, `DEFERRABLE`.
    public var definition: String
    public var validated: Bool
    /// For a partition's copy of its parent's key: the parent table's constraint index, attached
    /// with `ALTER INDEX … ATTACH PARTITION`.
    public var parentIndex: String?
    public var indexName: String?
    public var comment: String?
    /// For a partition's own key (not copied from a parent key) whose index is attached to a
    /// partitioned index of the parent that backs no constraint: that index. PostgreSQL cannot
    /// detach it: the key goes only with the parent index (`DROP INDEX … CASCADE`).
    public var attachedTo: String? = nil
    /// The index of a primary key, unique or exclusion constraint (`conindid`), as a
    /// dependency node: what its operator classes and collations are recorded on.
    public var indexRef: ObjectRef? = nil
    public var qualifiedTable: String { SQL.qualified(schema, table) }
}

public struct IndexInfo: Sendable, Equatable {
    public var ref: ObjectRef
    public var schema: String
    public var name: String
    public var table: String
    /// `pg_get_indexdef`.
    public var definition: String
    /// The partitioned parent index (schema-qualified, quoted) this one is attached to.
    public var parentIndex: String?
    public var clustered: Bool
    public var comment: String?
    public var qualified: String { SQL.qualified(schema, name) }
}

public struct TriggerInfo: Sendable, Equatable {
    public var schema: String
    public var table: String
    public var name: String
    /// `pg_get_triggerdef`.
    public var definition: String
    /// O (origin/local, the default), D disabled, R replica, A always.
    public var enabled: String
    public var comment: String?
    public var qualifiedTable: String { SQL.qualified(schema, table) }
}

public struct RuleInfo: Sendable, Equatable {
    public var schema: String
    public var table: String
    public var name: String
    public var definition: String
    public var enabled: String
    public var comment: String?
}

public struct PolicyInfo: Sendable, Equatable {
    public var schema: String
    public var table: String
    public var name: String
    public var permissive: Bool
    /// r SELECT, a INSERT, w UPDATE, d DELETE, * ALL.
    public var command: String
    /// Role names; "" is PUBLIC.
    public var roles: [String]
    public var using: String?
    public var withCheck: String?
    public var comment: String?
    public var qualifiedTable: String { SQL.qualified(schema, table) }
}

public struct DefaultPrivilege: Sendable, Equatable {
    public var role: String
    public var schema: String
    /// r tables, S sequences, f functions, T types.
    public var objectType: String
    public var acl: [ACLItem]
}

public struct PublicationTable: Sendable, Equatable {
    public var publication: String
    public var schema: String
    public var table: String
    public var columns: [String]?
    public var rowFilter: String?
}

public struct PublicationInfo: Sendable, Equatable {
    public var name: String
    public var owner: String
    public var allTables: Bool
    /// `insert, update, delete, truncate` as `WITH (publish = …)` takes it.
    public var publish: String
    public var viaRoot: Bool
    public var comment: String?

    /// `CREATE PUBLICATION` without its tables (they are added one by one).
    public var createSQL: String {
        "CREATE PUBLICATION \(SQL.quoteIdent(name))" + (allTables ? " FOR ALL TABLES" : "")
            + " WITH (publish = \(SQL.quoteLiteral(publish)), publish_via_partition_root = \(viaRoot));"
    }
}

public struct PublicationSchema: Sendable, Equatable {
    public var publication: String
    public var schema: String
}

/// An object outside the cloned schemas that hangs off them.
public struct DependentObject: Sendable, Equatable {
    /// trigger, policy, default value, constraint.
    public var kind: String
    /// The trigger, policy or constraint name; the column for a default value.
    public var name: String
    /// As PostgreSQL names it, e.g. `on_auth_user_created on auth.users`.
    public var identity: String
    /// The table it is on (quoted, qualified): it must exist where it is re-created.
    public var table: String
    /// Statements re-creating it (with its enabled state and comment).
    public var createSQL: [String]
}

public struct ExtensionMemberACL: Sendable, Equatable {
    public var extensionName: String
    /// "f" routine, "T" type, "r" table or view, "s" sequence (the `acldefault` kinds).
    public var aclKind: String
    /// As GRANT names it: `FUNCTION public.citextin(cstring)`, `TYPE public.citext`.
    public var object: String
    public var owner: String
    public var acl: [ACLItem]?
    /// `pg_init_privs`: the privileges the extension script left.
    public var initialACL: [ACLItem]?
}

/// An object outside the model's schemas that it uses, as `pg_identify_object` names it.
public struct ExternalReference: Sendable, Equatable {
    /// table, view, function, type, …
    public var type: String
    /// Qualified name; for a routine with its argument types (`auth.uid()`).
    public var identity: String
}

/// A table's dependency through one of its parts: `default <column>` or `check <constraint>`.
public struct PartDependency: Sendable, Equatable {
    public var part: String
    public var on: ObjectRef
}
