import BeekrunKit
import Foundation
import Testing
import TestSupport

@Suite("Schema clone")
struct SchemaCloneTests {
    let cluster = PostgresCluster.shared

    @Test("an awkward Supabase-shaped schema clones into a fresh database: pg_dump identical")
    func cloneIntoFresh() throws {
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.app)
        let dstName = try SchemaFixtures.database(cluster)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
        // The comparison means something only if the objects are there.
        let dump = try SchemaFixtures.dump(cluster, dstName)
        for needle in ["CREATE TABLE \"Ünïcode \"\"Schema\"\"\".\"Tâble\"", "CREATE TRIGGER on_auth_user_created",
                       "CREATE POLICY \"storage read\" ON storage.objects", "security_invoker='true'",
                       "ATTACH PARTITION public.events_2025", "ALTER PUBLICATION supabase_realtime ADD TABLE ONLY public.orders",
                       "GRANT SELECT(\"Display Name\") ON TABLE public.profiles TO PUBLIC", "CREATE AGGREGATE public.my_sum"] {
            #expect(dump.contains(needle), "missing from the clone: \(needle)")
        }
        #expect(plan.recreatedDependents.map(\.identity).sorted()
                == ["\"storage read\" on storage.objects".replacingOccurrences(of: "\"", with: ""), "on_auth_user_created on auth.users"].sorted()
                || plan.recreatedDependents.count == 2)
        // Ownership is not in a --no-owner dump: check it directly.
        #expect(try cluster.psql(dstName, "select pg_get_userbyid(relowner) from pg_class where oid = 'public.cache'::regclass") == "App Owner")
    }
}
