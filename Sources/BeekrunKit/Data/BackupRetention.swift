import Foundation

/// Which backups of a label to keep: the newest `keep` complete ones, in `BackupCatalog`'s
/// order (time, then the `-N` sequence number as a number). Only complete backups (with a
/// manifest) count and are ever removed: a partial one is left for a human to look at. A
/// dry run counts the backups it planned earlier in the same run, as the real run will
/// have written them by then.
public enum BackupRetention {
    public struct Plan: Sendable {
        public var kept: [String]
        public var removed: [String]
    }

    public static func plan(directory: String, label: String, keep: Int, planned: [String] = []) throws -> Plan {
        guard keep >= 1 else { throw BeekError.failed("keep must be at least 1: the newest backup is never removed") }
        let paths = BackupCatalog.list(directory: directory, label: label, planned: planned).map(\.path)
        return Plan(kept: Array(paths.prefix(keep)), removed: Array(paths.dropFirst(keep)))
    }

    public static func apply(_ plan: Plan) throws {
        for path in plan.removed { try FileManager.default.removeItem(atPath: path) }
    }
}
