import Foundation

/// Which backups of a label to keep: the newest `keep` complete ones. Folder names carry the
/// UTC time (`LABEL_YYYY-MM-DDTHH-MM-SSZ`), so name order is time order. Only complete backups
/// (with a manifest) count and are ever removed: a partial one is left for a human to look at.
public enum BackupRetention {
    public struct Plan: Sendable {
        public var kept: [String]
        public var removed: [String]
    }

    public static func plan(directory: String, label: String, keep: Int) throws -> Plan {
        guard keep >= 1 else { throw BeekError.failed("keep must be at least 1: the newest backup is never removed") }
        let files = FileManager.default
        let names = (try? files.contentsOfDirectory(atPath: directory)) ?? []
        let pattern = try NSRegularExpression(pattern: "^" + NSRegularExpression.escapedPattern(for: BackupWriter.safeLabel(label))
                                              + #"_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(-\d+)?$"#)
        let backups = names.filter { name in
            pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
                && files.fileExists(atPath: directory + "/" + name + "/" + BackupManifest.fileName)
        }.sorted(by: >)
        let paths = backups.map { directory + "/" + $0 }
        return Plan(kept: Array(paths.prefix(keep)), removed: Array(paths.dropFirst(keep)))
    }

    public static func apply(_ plan: Plan) throws {
        for path in plan.removed { try FileManager.default.removeItem(atPath: path) }
    }
}
