import Foundation
import Testing
import TestSupport

/// git.status and git_merge against a real repository with a real (bare) remote.
@Suite("Git primitives")
struct GitRunbookTests {
    @Test("git.status reports branch, cleanliness and ahead/behind after a fetch")
    func status() throws {
        let cli = try BeekrunCLI()
        let repo = try GitFixture(in: cli.directory)
        try repo.commitFile("a.txt", "a\n", message: "local work")
        let script = "local s = git.status()\nprint(s.branch, s.clean, s.ahead, s.behind)"
        #expect(try cli.runbook(script).stdout.contains("develop\ttrue\t1\t0"))
        try "dirty\n".write(toFile: cli.directory + "/untracked.txt", atomically: true, encoding: .utf8)
        let dirty = try cli.runbook(script)
        #expect(dirty.stdout.contains("develop\tfalse\t1\t0"), "\(dirty)")
    }

    @Test("git_merge merges develop into main, pushes, and returns to develop")
    func merge() throws {
        let cli = try BeekrunCLI()
        let repo = try GitFixture(in: cli.directory)
        try repo.commitFile("feature.txt", "feature\n", message: "feature")
        try repo.git(["push", "--quiet", "origin", "develop"])
        let r = try cli.runbook("""
            local result = git_merge{from = "develop", into = "main", push = true}
            print('commit', result.commit, result.pushed, result.commits)
            """)
        #expect(r.status == 0, "\(r)")
        let develop = try repo.git(["rev-parse", "develop"])
        #expect(try repo.originHead("main") == develop)
        #expect(r.stdout.contains("commit\t\(develop)\ttrue\t1"))
        #expect(try repo.git(["symbolic-ref", "--short", "HEAD"]) == "develop")
    }

    @Test("git_merge refuses a dirty tree, the wrong branch and a missing branch, changing nothing")
    func refusals() throws {
        let cli = try BeekrunCLI()
        let repo = try GitFixture(in: cli.directory)
        try repo.commitFile("feature.txt", "feature\n", message: "feature")
        let mainBefore = try repo.originHead("main")

        try "x\n".write(toFile: cli.directory + "/scratch.txt", atomically: true, encoding: .utf8)
        let dirty = try cli.runbook("git_merge{}")
        #expect(dirty.status == 1)
        #expect(dirty.stderr.contains("runbooks/test.lua:1:"))
        #expect(dirty.stderr.contains("not clean"))
        try FileManager.default.removeItem(atPath: cli.directory + "/scratch.txt")

        try repo.git(["checkout", "--quiet", "main"])
        let wrong = try cli.runbook("git_merge{}")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("must start on 'develop'"))
        try repo.git(["checkout", "--quiet", "develop"])

        let missing = try cli.runbook("git_merge{into = 'release'}")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no branch 'release'"))
        #expect(try repo.originHead("main") == mainBefore)
    }

    @Test("git_merge refuses when main is behind its remote (the push would not fast-forward)")
    func behindRemote() throws {
        let cli = try BeekrunCLI()
        let repo = try GitFixture(in: cli.directory)
        // Someone else pushed to main.
        let other = cli.directory + ".other"
        try GitFixture.git(["clone", "--quiet", repo.origin, other], in: "/")
        try GitFixture.git(["-c", "user.email=o@x", "-c", "user.name=o", "commit", "--quiet", "--allow-empty", "-m", "hotfix"], in: other)
        try GitFixture.git(["push", "--quiet", "origin", "main"], in: other)
        try repo.commitFile("feature.txt", "feature\n", message: "feature")
        let r = try cli.runbook("git_merge{}")
        #expect(r.status == 1)
        #expect(r.stderr.contains("behind origin/main"))
    }

    @Test("a dry run of git_merge shows the commits and changes nothing")
    func dryRun() throws {
        let cli = try BeekrunCLI()
        let repo = try GitFixture(in: cli.directory)
        try repo.commitFile("feature.txt", "feature\n", message: "add the feature")
        let mainBefore = try repo.git(["rev-parse", "main"])
        let refsBefore = try repo.git(["for-each-ref"])
        let r = try cli.runbook("local r = git_merge{}\nprint('commit', r.commit)", flags: ["--dry-run"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("~ git merge"))
        #expect(r.stderr.contains("add the feature"))
        #expect(r.stdout.contains("commit\tnil"))
        #expect(try repo.git(["rev-parse", "main"]) == mainBefore)
        #expect(try repo.git(["for-each-ref"]) == refsBefore)
    }
}
