import Foundation

/// `beekrun --sandbox SCRIPT`: a throwaway world to try a runbook in. A local PostgreSQL with a
/// Supabase-shaped `prod` and a drifted `dev`, and a git repository (main and develop, with a
/// bare `origin`) holding copies of the project's runbooks/ and Migrations/. The script runs in
/// that repository with PROD_DATABASE_URL, DEV_DATABASE_URL and BEEK_BACKUP_DIR pointing into
/// the sandbox; everything is removed afterwards, on success, failure, Ctrl-C or kill.
public final class Sandbox {
    public let cluster: LocalCluster
    /// The sandbox's git working tree, where the runbook runs.
    public let repository: String
    public let environment: [String: String]

    /// - Parameter projectDirectory: whose runbooks/ and Migrations/ are copied in.
    public init(projectDirectory: String, reporter: Reporter) throws {
        let watch = Stopwatch()
        cluster = try LocalCluster(prefix: "beekrun-sandbox")
        let root = cluster.root // removed with the cluster, whatever happens
        repository = root + "/project"
        environment = [
            "PROD_DATABASE_URL": cluster.url("prod"),
            "DEV_DATABASE_URL": cluster.url("dev"),
            "BEEK_BACKUP_DIR": root + "/backups",
        ]
        try createDatabases()
        try createRepository(copying: projectDirectory, origin: root + "/origin.git")
        reporter.done("sandbox", "PostgreSQL at \(root) (unix socket only): prod (Supabase-shaped), dev (drifted); "
                      + "git repository with main, develop and origin", seconds: watch.seconds)
    }

    /// Stops the server and removes everything.
    public func remove() { cluster.stop() }

    private func createDatabases() throws {
        let admin = try cluster.connect("postgres")
        defer { admin.close() }
        try admin.execute(SampleProject.roles)
        try admin.execute("CREATE DATABASE prod")
        try admin.execute("CREATE DATABASE dev")
        let prod = try cluster.connect("prod")
        defer { prod.close() }
        try prod.execute(SampleProject.base)
        try prod.execute(SampleProject.prodData)
        let dev = try cluster.connect("dev")
        defer { dev.close() }
        try dev.execute(SampleProject.base)
        try dev.execute(SampleProject.devDrift)
    }

    private func createRepository(copying project: String, origin: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: repository, withIntermediateDirectories: true)
        for folder in ["runbooks", "Migrations"] where files.fileExists(atPath: project + "/" + folder) {
            try files.copyItem(atPath: project + "/" + folder, toPath: repository + "/" + folder)
        }
        try "backups/\n".write(toFile: repository + "/.gitignore", atomically: true, encoding: .utf8)
        try "A beekrun sandbox project: changes here go nowhere.\n"
            .write(toFile: repository + "/README.md", atomically: true, encoding: .utf8)
        let repo = GitRepository(directory: repository)
        let identity = ["-c", "user.name=beekrun sandbox", "-c", "user.email=sandbox@beekrun.invalid"]
        try GitRepository(directory: "/").git(["init", "--quiet", "--bare", "--initial-branch=main", origin])
        try repo.git(["init", "--quiet", "--initial-branch=main"])
        try repo.git(["add", "--all"])
        try repo.git(identity + ["commit", "--quiet", "-m", "sandbox: the project as it is"])
        try repo.git(["remote", "add", "origin", origin])
        try repo.git(["push", "--quiet", "-u", "origin", "main"])
        try repo.git(["checkout", "--quiet", "-b", "develop"])
        try repo.git(["push", "--quiet", "-u", "origin", "develop"])
    }
}
