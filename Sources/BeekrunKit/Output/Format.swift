import Foundation

/// Human formats for counts, sizes, durations and rates in step lines.
public enum Format {
    /// 1234567 → "1,234,567".
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + String(out.reversed())
    }

    /// 1536 → "1.5 KB" (powers of 1024, as pg_size_pretty).
    public static func bytes(_ n: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) bytes" : String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }

    /// Seconds → "12 ms", "3.4 s", "2m 05s".
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let total = Int(seconds.rounded())
        return String(format: "%dm %02ds", total / 60, total % 60)
    }

    /// "N things" with the right plural.
    public static func plural(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count(n)) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }
}

/// A monotonic stopwatch for step durations.
public struct Stopwatch: Sendable {
    private let start = DispatchTime.now().uptimeNanoseconds
    public init() {}
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
