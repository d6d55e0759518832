/// Git, through the git command line, on the project's repository (the sandbox's under --sandbox).
enum GitPrimitives {
    static var all: [Primitive] { [status, merge] }

    static let status = Primitive(
        "git.status",
        summary: "Where the working tree stands: branch, clean (tracked and untracked), ahead/behind its remote "
            + "(fetched first; a dry run reads the remote without fetching).",
        parameters: [.init("remote", "string?", "the remote to compare with (default origin)")],
        returns: "GitStatus"
    ) { call, runtime in
        let remote = try call.optionalString(1, "remote") ?? "origin"
        let repo = GitRepository(directory: runtime.options.gitDirectory)
        let status = try runtime.read("git status", "") {
            try GitStatus.read(repo, remote: remote, fetch: !runtime.dryRun)
        } outcome: { s in
            var parts = ["on \(s.branch)", s.clean ? "clean" : "\(s.changes.count) uncommitted"]
            if let a = s.ahead, let b = s.behind { parts.append("\(a) ahead, \(b) behind \(s.remote ?? "")/\(s.branch)") }
            return parts.joined(separator: ", ")
        }
        return [status.luaValue]
    }

    static let merge = Primitive(
        "git_merge",
        summary: "Merges `from` into `into` and pushes `into`; refuses a dirty tree, the wrong branch, a missing "
            + "branch or a push that would not fast-forward. Returns {commit, pushed, commits}.",
        options: [
            .init("from", "string", "the branch to merge (default develop); must be checked out"),
            .init("into", "string", "the branch merged into (default main)"),
            .init("push", "boolean", "push `into` to the remote afterwards (default true)"),
            .init("remote", "string", "the remote (default origin)"),
        ],
        returns: "GitMergeResult"
    ) { call, runtime in
        let options = try call.options(1)
        let merge = GitMerge(from: try options.string("from") ?? "develop", into: try options.string("into") ?? "main",
                             push: try options.bool("push", default: true), remote: try options.string("remote") ?? "origin")
        let repo = GitRepository(directory: runtime.options.gitDirectory)
        let plan = try merge.check(repo, fetch: !runtime.dryRun)
        let detail = "\(merge.from) → \(merge.into): \(Format.plural(plan.commitCount, "commit"))"
            + (plan.fastForward ? " (fast-forward)" : "") + (merge.push ? ", then push \(merge.remote)/\(merge.into)" : "")
        let step = Step(.change, "git merge", detail: detail, planLines: plan.commits.map { "  " + $0 })
        let commit: String? = try runtime.perform(step, predicted: { nil }, apply: { try merge.apply(repo) },
                                                  outcome: { $0.map { "now at \($0.prefix(9))" } ?? "" })
        return [.record([
            ("commit", commit.map(LuaValue.string) ?? .nil),
            ("pushed", .bool(merge.push && !runtime.dryRun)),
            ("commits", .integer(Int64(plan.commitCount))),
        ])]
    }
}
