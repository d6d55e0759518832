import Foundation

/// Turns what the command line said into `RunOptions`: finds the script, reads the env
/// file, applies `--var`s. Kept out of the executable so it can be tested directly.
public enum Invocation {
    /// - Throws: `BeekError.usage` (exit code 2) for a missing script, an unreadable or
    ///   malformed env file, or a `--var` without `=`.
    public static func options(script: String, arguments: [String], dryRun: Bool, assumeYes: Bool,
                               envFile: String?, vars: [String], verbose: Bool = false,
                               processEnvironment: [String: String] = ProcessInfo.processInfo.environment,
                               directory: String = FileManager.default.currentDirectoryPath) throws -> RunOptions {
        let (path, display) = try locateScript(script, in: directory)
        var environment = processEnvironment
        // The env file adds what the process environment does not already set, as dotenv does.
        let envPath = envFile ?? ".env"
        let absoluteEnv = envPath.hasPrefix("/") ? envPath : directory + "/" + envPath
        if FileManager.default.fileExists(atPath: absoluteEnv) {
            for (key, value) in try EnvFile.parse(path: absoluteEnv, displayPath: envPath) where environment[key] == nil {
                environment[key] = value
            }
        } else if envFile != nil {
            throw BeekError.usage("--env-file \(envPath): no such file")
        }
        var commandLineVariables: Set<String> = []
        for assignment in vars {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw BeekError.usage("--var \(assignment): expected KEY=VALUE")
            }
            environment[String(assignment[..<eq])] = String(assignment[assignment.index(after: eq)...])
            commandLineVariables.insert(String(assignment[..<eq]))
        }
        registerSecrets(in: environment)
        var memoryLimit = 1 << 30
        if let text = environment["BEEK_MEMORY_LIMIT_MB"] {
            // Checked against overflow: 2^44 MB shifted into bytes would wrap to 0, which means "unlimited".
            guard let mb = Int(text), mb > 0, mb <= Int.max >> 20 else {
                throw BeekError.usage("BEEK_MEMORY_LIMIT_MB=\(text): expected a number of megabytes from 1 to \(Int.max >> 20)")
            }
            memoryLimit = mb << 20
        }
        try refuseOwnFlags(in: arguments)
        var arguments = arguments
        if let separator = arguments.firstIndex(of: "--") { arguments.remove(at: separator) }
        var options = RunOptions(scriptPath: path, displayPath: display, arguments: arguments, dryRun: dryRun,
                                 assumeYes: assumeYes, environment: environment, verbose: verbose, memoryLimit: memoryLimit,
                                 projectDirectory: directory)
        options.commandLineVariables = commandLineVariables
        return options
    }

    /// beekrun's own flags, which are never runbook arguments by accident.
    static let ownFlags = ["--dry-run", "--yes", "--env-file", "--var", "--sandbox", "--verbose", "--json", "--api"]

    /// `beekrun x.lua a --var K=V` must not quietly hand `--var` to the runbook (which then
    /// says K is not set): beekrun's flags go before the script. A runbook that really wants
    /// such an argument gets it after `--` (`beekrun x.lua -- --yes`).
    static func refuseOwnFlags(in arguments: [String]) throws {
        for argument in arguments {
            if argument == "--" { return }
            let flag = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if ownFlags.contains(flag) {
                throw BeekError.usage("\(flag) comes after the script, where it would be an argument for the runbook: "
                    + "put beekrun's flags before SCRIPT.lua (beekrun \(flag == "--var" || flag == "--env-file" ? flag + " ..." : flag) SCRIPT.lua ARG...), "
                    + "or after -- to hand it to the runbook as an argument")
            }
        }
    }

    /// `runbooks/sync.lua` as given, or a bare name (`sync.lua`, `sync`) found in `./runbooks/`.
    static func locateScript(_ script: String, in directory: String) throws -> (path: String, display: String) {
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : directory + "/" + p }
        var candidates = [script]
        if !script.contains("/") {
            candidates.append("runbooks/" + script)
            if !script.hasSuffix(".lua") { candidates.append("runbooks/" + script + ".lua") }
        }
        var isDirectory: ObjCBool = false
        for candidate in candidates where FileManager.default.fileExists(atPath: absolute(candidate), isDirectory: &isDirectory) {
            if isDirectory.boolValue { continue }
            return (absolute(candidate), candidate)
        }
        let looked = candidates.count > 1 ? " (looked in ./ and ./runbooks/)" : ""
        throw BeekError.usage("no such script: \(script)\(looked)")
    }

    /// Passwords inside connection strings, and values of variables named like secrets,
    /// are masked in every output from the start.
    static func registerSecrets(in environment: [String: String]) {
        for (key, value) in environment {
            let upper = key.uppercased()
            if value.contains("postgres://") || value.contains("postgresql://") || value.contains("password=") {
                if let parsed = try? ConnectionString(value) { Secrets.shared.register(parsed.password) }
            }
            if ["PASSWORD", "SECRET", "TOKEN", "SERVICE_ROLE_KEY", "API_KEY", "PRIVATE_KEY"].contains(where: upper.contains),
               value.count >= 6 {
                Secrets.shared.register(value)
            }
        }
    }
}

/// `.env` files: `KEY=VALUE` lines, `#` comments, optional `export `, values optionally in
/// single quotes (literal) or double quotes (with \n, \", \\ escapes).
public enum EnvFile {
    public static func parse(path: String, displayPath: String) throws -> [(String, String)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BeekError.usage("\(displayPath): cannot be read as UTF-8 text")
        }
        return try parse(text, displayPath: displayPath)
    }

    public static func parse(_ text: String, displayPath: String) throws -> [(String, String)] {
        var result: [(String, String)] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = line.firstIndex(of: "=") else {
                throw BeekError.usage("\(displayPath):\(number + 1): expected KEY=VALUE")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw BeekError.usage("\(displayPath):\(number + 1): '\(key)' is not a variable name")
            }
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") {
                value = String(value.dropFirst().dropLast())
            } else if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\n", with: "\n")
                    .replacingOccurrences(of: "\\\"", with: "\"")
                    .replacingOccurrences(of: "\\\\", with: "\\")
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces) // trailing comment
            }
            result.append((key, value))
        }
        return result
    }
}
