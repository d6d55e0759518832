import Foundation

/// What a Supabase project keeps to itself and beekrun never copies: Vault secrets
/// (encrypted with the project's own key, and prod's credentials have no place in dev) and
/// pg_cron jobs (a cloned job would run prod's schedule against dev, or worse call prod's
/// endpoints). Counted for the plan; cron jobs compared by name and schedule for `diff`.
public struct PlatformState: Sendable {
    public struct CronJob: Sendable, Equatable {
        public var name: String
        public var schedule: String
        public var active: Bool
    }

    public var vaultSecrets = 0
    public var cronJobs: [CronJob] = []
    public var buckets = 0
    public var storageObjects = 0
    public var storageBytes: Int64 = 0

    /// Reads the counts; a missing extension or schema counts as zero.
    public static func read(_ connection: PGConnection) throws -> PlatformState {
        var state = PlatformState()
        if try connection.scalar("select to_regclass('vault.secrets') is not null") == "t" {
            state.vaultSecrets = Int(try connection.scalar("select count(*) from vault.secrets") ?? "0") ?? 0
        }
        if try connection.scalar("select to_regclass('cron.job') is not null") == "t" {
            let r = try connection.query("select coalesce(jobname, jobid::text), schedule, active::text from cron.job order by 1")
            state.cronJobs = (0..<r.rowCount).map { CronJob(name: r.value($0, 0)!, schedule: r.value($0, 1)!, active: r.value($0, 2) == "true") }
        }
        if try StorageBuckets.exists(connection) {
            state.buckets = Int(try connection.scalar("select count(*) from storage.buckets") ?? "0") ?? 0
            let r = try connection.query("select count(*), coalesce(sum((metadata ->> 'size')::bigint), 0) from storage.objects")
            state.storageObjects = Int(r.value(0, 0) ?? "0") ?? 0
            state.storageBytes = Int64(r.value(0, 1) ?? "0") ?? 0
        }
        return state
    }

    /// Cron-job drift between a and b, by name and schedule, as notes (`diff` shows them but
    /// they never make a diff non-empty: jobs are not schema, and are never copied).
    public static func cronNotes(a: PlatformState, b: PlatformState, aName: String, bName: String) -> [String] {
        let left = Dictionary(a.cronJobs.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let right = Dictionary(b.cronJobs.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        var notes: [String] = []
        for name in Set(left.keys).union(right.keys).sorted() {
            switch (left[name], right[name]) {
            case let (x?, nil): notes.append("cron job \(name) (\(x.schedule)) only in \(aName)")
            case let (nil, y?): notes.append("cron job \(name) (\(y.schedule)) only in \(bName)")
            case let (x?, y?) where x.schedule != y.schedule:
                notes.append("cron job \(name): schedule \(x.schedule) in \(aName), \(y.schedule) in \(bName)")
            case let (x?, y?) where x.active != y.active:
                notes.append("cron job \(name): \(x.active ? "active" : "inactive") in \(aName), \(y.active ? "active" : "inactive") in \(bName)")
            default: break
            }
        }
        return notes
    }
}
