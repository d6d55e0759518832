/// A runbook primitive: its documentation and its implementation in one value, so the
/// registry that installs primitives is also the source of the editor stubs (`beekrun --api`)
/// and of the list of known option keys. They cannot drift apart.
public struct Primitive: Sendable {
    public struct Parameter: Sendable {
        public let name: String
        /// A LuaLS type (`database`, `string`, `table`, `fun()`…).
        public let type: String
        public let doc: String
        public init(_ name: String, _ type: String, _ doc: String) {
            self.name = name
            self.type = type
            self.doc = doc
        }
    }

    public struct Option: Sendable {
        public let key: String
        public let type: String
        public let doc: String
        /// A required option: the editor stubs leave out its `?`.
        public let required: Bool
        public init(_ key: String, _ type: String, _ doc: String, required: Bool = false) {
            self.key = key
            self.type = type
            self.doc = doc
            self.required = required
        }
    }

    /// `connect`, or `git.status` for a function in a table.
    public let name: String
    public let summary: String
    public let parameters: [Parameter]
    /// The keys of the options table, if the primitive takes one (unknown keys are errors).
    public let options: [Option]
    /// A LuaLS return type, or nil.
    public let returns: String?
    public let body: @Sendable (LuaCall, Runtime) throws -> [LuaValue]

    public init(_ name: String, summary: String, parameters: [Parameter] = [], options: [Option] = [],
                returns: String? = nil, body: @escaping @Sendable (LuaCall, Runtime) throws -> [LuaValue]) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.options = options
        self.returns = returns
        self.body = body
    }

    public var optionKeys: [String] { options.map(\.key) }
}

/// Every primitive a runbook sees. Later capabilities (schema, data, git) add their lists here.
public enum PrimitiveRegistry {
    public static var all: [Primitive] {
        CorePrimitives.all + SchemaPrimitives.all + DataPrimitives.all + GitPrimitives.all + MigrationPrimitives.all
            + SupabasePrimitives.all
            + ProjectPrimitives.all
    }

    /// Installs every primitive into the host, bound to this run.
    static func install(into host: LuaHost, runtime: Runtime) {
        for primitive in all {
            let body = primitive.body
            let keys = primitive.optionKeys
            let parts = primitive.name.split(separator: ".").map(String.init)
            let function: (LuaCall) throws -> [LuaValue] = { call in
                try Interrupt.check() // after Ctrl-C nothing new starts, even under pcall
                var call = call
                call.knownOptions = keys // unknown option keys are checked against the declaration
                return try body(call, runtime)
            }
            if parts.count == 2 {
                host.register(parts[0], parts[1], function)
            } else {
                host.register(primitive.name, function)
            }
        }
    }
}
