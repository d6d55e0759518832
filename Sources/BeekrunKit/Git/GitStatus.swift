/// `git.status()`: where the working tree stands against its remote.
public struct GitStatus {
    public var branch: String
    public var clean: Bool
    public var changes: [String]
    /// Commits on the branch that the remote does not have, and the other way round;
    /// nil when the branch has no counterpart on the remote.
    public var ahead: Int?
    public var behind: Int?
    public var remote: String?
    /// False in a dry run: the remote was read with ls-remote, not fetched.
    public var fetched: Bool

    /// Reads the status. A real run fetches the remote first; a dry run changes nothing in
    /// the repository, so it only asks the remote for its branch head (ls-remote) and counts
    /// against it when that commit is known locally.
    public static func read(_ repo: GitRepository, remote: String = "origin", fetch: Bool) throws -> GitStatus {
        let branch = try repo.currentBranch()
        let changes = try repo.uncommittedChanges()
        var status = GitStatus(branch: branch, clean: changes.isEmpty, changes: changes, ahead: nil, behind: nil,
                               remote: nil, fetched: false)
        guard try repo.remoteExists(remote) else { return status }
        status.remote = remote
        let remoteRef: String?
        if fetch {
            try repo.git(["fetch", "--quiet", remote])
            status.fetched = true
            remoteRef = try repo.commit("refs/remotes/\(remote)/\(branch)")
        } else if let head = try repo.remoteHead(remote, branch) {
            // Unknown locally means the remote moved since the last fetch: fall back to the
            // remote-tracking ref and say it was not fetched.
            remoteRef = try repo.commit(head) ?? repo.commit("refs/remotes/\(remote)/\(branch)")
        } else {
            remoteRef = nil
        }
        if let remoteRef {
            status.ahead = try repo.count(from: remoteRef, to: "HEAD")
            status.behind = try repo.count(from: "HEAD", to: remoteRef)
        }
        return status
    }

    var luaValue: LuaValue {
        .record([
            ("branch", .string(branch)), ("clean", .bool(clean)),
            ("ahead", ahead.map { LuaValue.integer(Int64($0)) } ?? .nil),
            ("behind", behind.map { LuaValue.integer(Int64($0)) } ?? .nil),
            ("remote", LuaValue(remote)), ("fetched", .bool(fetched)),
            ("changes", .list(changes.map(LuaValue.string))),
        ])
    }
}
