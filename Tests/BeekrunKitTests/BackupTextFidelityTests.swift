import BeekrunKit
import Foundation
import Testing
import TestSupport

@Suite("Backup text fidelity")
struct BackupTextFidelityTests {
    /// Random text from every plane, with the characters COPY and JSON escape (tab, newline,
    /// CR, backslash, quote, every other control character) well represented.
    static func randomText(_ rng: inout some RandomNumberGenerator) -> String {
        let special: [Unicode.Scalar] = ["\t", "\n", "\r", "\\", "\"", "\u{01}", "\u{08}", "\u{0B}", "\u{0C}", "\u{1F}",
                                         "\u{7F}", "\u{2028}", "\u{FEFF}", "N", "/"]
        var s = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: s.append(special.randomElement(using: &rng)!)
            case 1: s.append(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng)))
            default:
                // Any scalar but NUL and surrogates, from all 17 planes.
                var v: UInt32
                repeat { v = UInt32.random(in: 1...0x10FFFF, using: &rng) } while (0xD800...0xDFFF).contains(v)
                s.append(Unicode.Scalar(v)!)
            }
        }
        return String(s)
    }

    @Test("random text round-trips, and a JSON reader sees exactly the stored strings")
    func randomTextRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        let values = (0..<3000).map { i in i % 50 == 0 ? "\\N" : i % 51 == 0 ? "" : Self.randomText(&rng) }
        let (src, dst, _, _) = try DataFixtures.pair("create table t (id int primary key, v text, a text[])", data: "select 1")
        for (i, v) in values.enumerated() {
            try src.query("insert into t values ($1, $2, array[$2, null, $2])", [String(i), v])
        }
        try src.query("insert into t values (-1, null, null)")
        let backup = try BackupWriter.run(src, BackupOptions(directory: try DataFixtures.backupDirectory()))
        _ = try Restorer.run(dst, from: backup.path)
        #expect(try DataFixtures.digest(dst, "t") == DataFixtures.digest(src, "t"))

        let file = backup.path + "/" + backup.manifest.tables[0].file
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        let rows = json["rows"] as! [[Any]]
        #expect(rows.count == values.count + 1)
        var byID: [String: Any] = [:]
        for r in rows { byID[r[0] as! String] = r[1] }
        for (i, v) in values.enumerated() {
            #expect(byID[String(i)] as? String == v, "row \(i)")
        }
        #expect(byID["-1"] is NSNull)
    }
}
