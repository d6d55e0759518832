import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Issue 13: a streamed restore (from the backup's held snapshot) sends a table in binary COPY
/// format where binary means exactly what text would, and as text otherwise.
@Suite("Streamed restore in binary (issue 13)")
struct StreamedBinaryTests {
    /// The columns of `DataFixtures.everyTypeDDL` whose types binary carries exactly: all but a
    /// composite, arrays of user types, a reg* type and the generated column.
    static let fitColumns = """
        id, b, i2, i4, i8, n, n2, f4, f8, m, t, vc, c, ch, nm, by, j, jb, d, ti, ttz, ts, tstz, iv, u, ip, net, mac, mac8,
        bits, vbits, pt, ln, ls, bx, pth, pg, ci, x, tsv, tsq, ia, ta, na, fa, ra, nr, tsr, dr, mr, e, dom, oidc, lsn, jp,
        "weird ""col""\tname"
        """

    @Test("every built-in type's edge values stream in binary, composites, user arrays and regclass as text; the rows are identical either way")
    func binaryWhereItMeansTheSame() throws {
        let (src, dst, _, _) = try DataFixtures.pair(DataFixtures.everyTypeDDL, data: DataFixtures.everyTypeData)
        for db in [src, dst] {
            // A regclass naming a user table: its OID differs between the two databases.
            try db.execute("""
                create table fit as select \(Self.fitColumns) from everything with no data;
                create table refs (r regclass, rs regclass[]);
                """)
        }
        try src.execute("insert into fit select \(Self.fitColumns) from everything; insert into refs values ('fit', '{fit,refs}')")
        let dir = try DataFixtures.backupDirectory()
        let prepared = try BackupWriter.prepare(src, BackupOptions(directory: dir, label: "prod"), exactCounts: false)
        defer { prepared.close() }
        _ = try prepared.write(holdingSnapshot: true)
        let held = try #require(prepared.heldSnapshot)
        defer { held.close() }
        #expect(Restorer.canStream(from: held, into: dst))
        let result = try Restorer.prepare(dst, streamingFrom: held, exactCounts: false).run()
        #expect(result.binaryTables == ["public.fit"])
        #expect(result.rows == 9) // 4 + 4 + 1
        for table in ["everything", "fit", "refs"] {
            #expect(try DataFixtures.digest(src, table) == DataFixtures.digest(dst, table), "\(table)")
        }
        #expect(try dst.scalar("select r::text || ' ' || rs::text from refs") == "fit {fit,refs}")
    }
}
