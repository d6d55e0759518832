import Foundation

/// Scratch folders for tests, all inside one folder per test process that is removed when the
/// process exits, so a test run leaves nothing in /tmp.
public enum TestDirectory {
    static let parent: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("beekrun-tests-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestDirectory.parent) }
        return path
    }()

    /// A new, empty folder named `prefix-XXXXXXXX`.
    public static func make(_ prefix: String) throws -> String {
        let path = parent + "/" + prefix + "-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
