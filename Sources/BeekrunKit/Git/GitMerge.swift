/// `git_merge{from, into, push, remote}`: merge one branch into another and push it,
/// as the release procedure does (develop → main, whose push triggers the deployment).
public struct GitMerge {
    public var from: String
    public var into: String
    public var push: Bool
    public var remote: String

    /// What the merge will do, worked out by reading only.
    public struct Plan {
        public var commits: [String]      // `git log --oneline into..from`
        public var commitCount: Int
        public var fastForward: Bool
        public var pushes: Bool
    }

    /// Checks every precondition before anything changes: a clean tree, on `from`, both
    /// branches present, and `into` not behind its remote (the push would be refused).
    /// - Parameter fetch: fetch the remote first (a real run); a dry run reads with ls-remote.
    public func check(_ repo: GitRepository, fetch: Bool) throws -> Plan {
        let branch = try repo.currentBranch()
        guard branch == from else {
            throw BeekError.refused("git_merge must start on '\(from)', but '\(branch)' is checked out: git checkout \(from)")
        }
        let changes = try repo.uncommittedChanges()
        guard changes.isEmpty else {
            let list = changes.prefix(5).joined(separator: "; ")
            throw BeekError.refused("the working tree is not clean (\(changes.count) uncommitted: \(list)): commit or stash first")
        }
        for name in [from, into] where !(try repo.branchExists(name)) {
            throw BeekError.refused("there is no branch '\(name)' in this repository")
        }
        let pushes = push
        if pushes {
            guard try repo.remoteExists(remote) else { throw BeekError.refused("there is no remote '\(remote)' to push to") }
            if fetch { try repo.git(["fetch", "--quiet", remote]) }
            let remoteInto = fetch ? try repo.commit("refs/remotes/\(remote)/\(into)")
                                   : try repo.remoteHead(remote, into).flatMap { try repo.commit($0) ?? $0 }
            if let remoteInto {
                guard try repo.commit(remoteInto) != nil else {
                    throw BeekError.refused("\(remote)/\(into) has commits this repository does not have: git fetch, then merge them into \(into) first")
                }
                let behind = try repo.count(from: "refs/heads/\(into)", to: remoteInto)
                guard behind == 0 else {
                    throw BeekError.refused("'\(into)' is \(behind) commit(s) behind \(remote)/\(into): the push would not be a fast-forward; update \(into) first (git checkout \(into) && git pull)")
                }
            }
        }
        let count = try repo.count(from: "refs/heads/\(into)", to: "refs/heads/\(from)")
        let fastForward = try repo.count(from: "refs/heads/\(from)", to: "refs/heads/\(into)") == 0
        return Plan(commits: try repo.log(from: "refs/heads/\(into)", to: "refs/heads/\(from)"),
                    commitCount: count, fastForward: fastForward, pushes: pushes)
    }

    /// Merges and pushes, then checks `from` out again. A conflict aborts the merge and
    /// leaves both branches as they were.
    /// - Returns: the commit `into` points at after the merge.
    public func apply(_ repo: GitRepository) throws -> String {
        try repo.git(["checkout", "--quiet", into])
        let merged = try repo.git(["merge", "--no-edit", "--quiet", from], allowFailure: true)
        guard merged.succeeded else {
            let conflicts = (try? repo.git(["diff", "--name-only", "--diff-filter=U"]).stdout) ?? ""
            _ = try? repo.git(["merge", "--abort"], allowFailure: true)
            _ = try? repo.git(["checkout", "--quiet", from], allowFailure: true)
            let files = conflicts.split(separator: "\n").joined(separator: ", ")
            throw BeekError.git("merging \(from) into \(into) conflicts\(files.isEmpty ? "" : " in " + files); nothing was merged")
        }
        let commit = try repo.text(["rev-parse", "HEAD"])
        defer { _ = try? repo.git(["checkout", "--quiet", from], allowFailure: true) }
        if push {
            do { try repo.git(["push", "--quiet", remote, "refs/heads/\(into):refs/heads/\(into)"]) } catch {
                throw BeekError.git("\(into) was merged locally (\(commit.prefix(9))) but the push failed: \(error.userMessage)")
            }
        }
        return commit
    }
}
