import Foundation

/// Paths a runbook names, resolved against the project (the directory beekrun started in),
/// and the one check that keeps `write_file` and `require` inside it: `..`, absolute paths
/// and symbolic links that lead out are all refused the same way.
enum ProjectPaths {
    /// The absolute, normalised form of `path` (relative to `project`), with symbolic links
    /// of its existing part resolved.
    static func resolve(_ path: String, in project: String) -> String {
        let absolute = path.hasPrefix("/") ? path : project + "/" + path
        let lexical = URL(fileURLWithPath: absolute).standardized.path
        // Resolve links in the deepest part that exists; the rest does not exist yet.
        var existing = lexical
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing), existing != "/" {
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        let real = realpath(existing, nil).map { p -> String in defer { free(p) }; return String(cString: p) } ?? existing
        return ([real == "/" ? "" : real] + rest).joined(separator: "/")
    }

    /// The project directory itself, links resolved.
    static func root(_ project: String) -> String { resolve(".", in: project) }

    /// `resolved` lies inside the project (not the project directory itself).
    static func isInside(_ resolved: String, project: String) -> Bool {
        resolved.hasPrefix(root(project) + "/")
    }

    /// How messages show a path inside the project: relative to it.
    static func display(_ resolved: String, project: String) -> String {
        let base = root(project) + "/"
        return resolved.hasPrefix(base) ? String(resolved.dropFirst(base.count)) : resolved
    }
}
