import Foundation

/// What a runbook may do with the project's files: share code through `require`, and write a
/// file (a generated migration, a report) through `write_file`. Both stay inside the project.
enum ProjectPrimitives {
    static var all: [Primitive] { [require, writeFile] }

    // MARK: require

    /// The host half of `require`: finds the module's file and returns its source and the path
    /// to name it by; every refusal is raised here, so it names the runbook line that called
    /// `require` (also through `pcall`). The Lua half (in the prelude) loads the source as
    /// text, runs it once and caches what it returns, as Lua's own `require` does; it passes
    /// `true` as a second argument when the module is already being loaded (a cycle).
    static let require = Primitive(
        "require",
        summary: "Loads a Lua module of the project once and returns what it returns: \"lib.sync_steps\" is "
            + "lib/sync_steps.lua next to the running runbook, else runbooks/lib/sync_steps.lua. Only Lua source "
            + "inside the project: no C modules, no precompiled chunks, no paths. Errors name the module's file and line.",
        parameters: [.init("name", "string", "dotted module name, e.g. \"lib.sync_steps\"")],
        returns: "any"
    ) { call, runtime in
        guard case .string(let name) = call.argument(1) else {
            throw call.fail("the module name must be a string like \"lib.sync_steps\", got \(call.argument(1).typeName)")
        }
        if case .bool(true) = call.argument(2) { throw call.fail("module '\(name)' requires itself (a cycle)") }
        switch findModule(name, options: runtime.options) {
        case .success(let found): return [.string(found.source), .string(found.display)]
        case .failure(let why): throw call.fail(why.message)
        }
    }

    struct ModuleNotFound: Error { let message: String }

    static func findModule(_ name: String, options: RunOptions) -> Result<(source: String, display: String), ModuleNotFound> {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
            return .failure(.init(message: "'\(name)' is not a module name: write it like \"lib.sync_steps\" (no paths, no .lua)"))
        }
        let relative = parts.joined(separator: "/") + ".lua"
        let project = options.projectDirectory
        var directories = [(options.scriptPath as NSString).deletingLastPathComponent]
        let runbooks = project + "/runbooks"
        if ProjectPaths.resolve(runbooks, in: project) != ProjectPaths.resolve(directories[0], in: project) { directories.append(runbooks) }
        var looked: [String] = []
        for directory in directories {
            let resolved = ProjectPaths.resolve(directory + "/" + relative, in: project)
            looked.append(ProjectPaths.display(resolved, project: project))
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let display = ProjectPaths.display(resolved, project: project)
            guard ProjectPaths.isInside(resolved, project: project) else {
                return .failure(.init(message: "module '\(name)' is \(resolved), outside the project (\(ProjectPaths.root(project))): refused"))
            }
            guard let data = FileManager.default.contents(atPath: resolved) else {
                return .failure(.init(message: "module '\(name)': \(display) cannot be read"))
            }
            if data.first == 0x1B {
                return .failure(.init(message: "module '\(name)': \(display) is precompiled bytecode; only Lua source is loaded"))
            }
            return .success((String(decoding: data, as: UTF8.self), display))
        }
        return .failure(.init(message: "no module '\(name)': looked for \(looked.joined(separator: " and "))"))
    }

    // MARK: write_file

    static let writeFile = Primitive(
        "write_file",
        summary: "Writes TEXT to a file inside the project (relative paths are the project's; folders are created). "
            + "A dry run writes nothing and says what it would write; a path outside the project is refused. "
            + "Returns {path, bytes}.",
        parameters: [
            .init("path", "string", "e.g. \"Migrations/005_fix_drift.sql\""),
            .init("text", "string", "the whole content"),
        ],
        returns: "WriteFileResult"
    ) { call, runtime in
        let path = try call.string(1, "path")
        guard case .string(let text) = call.argument(2) else {
            throw call.fail("argument #2 (text) must be a string, got \(call.argument(2).typeName)")
        }
        let project = runtime.options.projectDirectory
        let resolved = ProjectPaths.resolve(path, in: project)
        guard ProjectPaths.isInside(resolved, project: project) else {
            throw BeekError.refused("write_file: \(path) is outside the project (\(ProjectPaths.root(project))); runbooks write only inside it")
        }
        let display = ProjectPaths.display(resolved, project: project)
        if display.split(separator: "/").first == ".git" {
            throw BeekError.refused("write_file: \(display) is inside .git; runbooks do not write git's own files")
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { throw BeekError.refused("write_file: \(display) is a directory") }
        let bytes = text.utf8.count
        let step = Step(exists ? .change : .create, "write_file", detail: "\(display) (\(Format.bytes(bytes)))" + (exists ? ", replacing it" : ""))
        try runtime.perform(step, predicted: {}, apply: {
            let folder = (resolved as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: resolved), options: .atomic)
            } catch {
                throw BeekError.file(path: display, reason: "cannot be written: \(error.localizedDescription)")
            }
        })
        return [.record([("path", .string(display)), ("bytes", LuaValue(bytes))])]
    }
}
