/// One mutating step of a runbook, described before it runs: what the dry run prints and
/// the plan counts, what the confirmation names, what the audit trail records.
public struct Step {
    public var kind: StepKind
    /// Short, e.g. `exec on dev`, `nuke dev`.
    public var title: String
    /// One line: the SQL (shortened), the objects, the counts.
    public var detail: String
    /// The database written to, if any: decides confirmation and production guards.
    public var target: DatabaseHandle?
    /// Drops or overwrites data (nuke, clone_schema, restore): confirmed by typing the
    /// database name, once per database per run.
    public var destructive: Bool
    /// Extra lines a dry run shows under the step (objects to drop and create, SQL).
    public var planLines: [String]
    /// How many objects the step adds, changes and destroys, for the plan summary.
    public var counts: PlanCounts
    /// What the step may do to a production target; `Runtime.perform` enforces it.
    public var production: ProductionRule

    public init(_ kind: StepKind, _ title: String, detail: String = "", target: DatabaseHandle? = nil,
                destructive: Bool = false, planLines: [String] = [], counts: PlanCounts? = nil,
                production: ProductionRule = .confirm) {
        self.production = production
        self.kind = kind
        self.title = title
        self.detail = detail
        self.target = target
        self.destructive = destructive
        self.planLines = planLines
        self.counts = counts ?? PlanCounts(kind)
    }
}

/// How a step treats a production database. Decided by the primitive when it describes the
/// step, enforced in one place (`Runtime.perform`, dry run or not) against the run's
/// knowledge of which databases are production at the moment the step applies.
public enum ProductionRule: Sendable, Equatable {
    /// Never on production, whatever the runbook says (nuke).
    case refuse
    /// Only when the runbook passed `allow_production = true`, and then still confirmed
    /// (clone_schema, clone_auth, restore, clone_buckets).
    case allowedIf(Bool)
    /// Confirmed (exec, migrate, …).
    case confirm
}

/// Terraform's closing line: "Plan: X to add, Y to change, Z to destroy."
public struct PlanCounts: Equatable, Sendable {
    public var add = 0, change = 0, destroy = 0

    public init(add: Int = 0, change: Int = 0, destroy: Int = 0) {
        self.add = add
        self.change = change
        self.destroy = destroy
    }

    init(_ kind: StepKind) {
        switch kind {
        case .create: add = 1
        case .change: change = 1
        case .destroy: destroy = 1
        case .read: break
        }
    }

    static func + (a: PlanCounts, b: PlanCounts) -> PlanCounts {
        PlanCounts(add: a.add + b.add, change: a.change + b.change, destroy: a.destroy + b.destroy)
    }
}

/// The steps a dry run recorded.
public final class Plan {
    public private(set) var steps: [Step] = []
    public var counts: PlanCounts { steps.reduce(PlanCounts()) { $0 + $1.counts } }

    func record(_ step: Step) { steps.append(step) }

    public var summary: String {
        let c = counts
        return "Plan: \(c.add) to add, \(c.change) to change, \(c.destroy) to destroy."
    }
}
