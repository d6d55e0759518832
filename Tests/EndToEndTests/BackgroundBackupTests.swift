import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Issue 13, overlap instead of sequence: `backup()` returns once its snapshot is taken and
/// its files are written in the background; whatever depends on the files or on the source
/// staying put waits for them, and a backup that fails there fails the run before the next
/// step on its database.
@Suite("Backups written in the background (issue 13)")
struct BackgroundBackupTests {
    let cluster = PostgresCluster.shared

    @Test("backup() returns while its files are still being written; rows, pairs and a restore wait for them, and the files are exact")
    func returnsBeforeTheFilesAreWritten() throws {
        let db = try cluster.createDatabase("bg")
        let copy = try cluster.createDatabase("bgcopy")
        let ddl = "create table fast (id int primary key, v text); create table slow (id int primary key, v text);"
        _ = try cluster.connect(db).execute(ddl + """
            insert into fast select g, 'fast ' || g from generate_series(1, 5000) g;
            insert into slow select g, 'slow ' || g from generate_series(1, 3) g;
            """)
        _ = try cluster.connect(copy).execute(ddl)
        let cli = try BeekrunCLI()
        // The filter of `slow` waits on an advisory lock the runbook holds on another session,
        // so the backup cannot finish before the runbook lets it: backup() must return first.
        let r = try cli.runbook("""
            local db <close> = connect{url = env('DB'), name = 'db', readonly = true}
            local holder <close> = connect{url = env('DB'), name = 'holder', readonly = true}
            local copy <close> = connect{url = env('COPY'), name = 'copy'}
            query(holder, 'select pg_advisory_lock(4242)')
            local taken = backup(db, {where = {['public.slow'] = 'pg_advisory_lock_shared(4242) is not null'}})
            local blocked = 0
            for _ = 1, 1200 do
              blocked = query(holder, [[select count(*) as n from pg_stat_activity
                where application_name = 'beekrun backup' and wait_event = 'advisory']])[1].n
              if blocked > 0 then break end
              query(holder, 'select pg_sleep(0.05)')
            end
            print('blocked while the runbook goes on', blocked)
            print('listed before unlocking', rawget(taken, 'rows'))
            query(holder, 'select pg_advisory_unlock(4242)')
            print('rows', taken.rows, 'fast', taken.table_rows['public.fast'])
            local keys = {}
            for k in pairs(taken) do keys[#keys + 1] = k end
            table.sort(keys)
            print('keys', table.concat(keys, ','))
            print('restored', restore(copy, taken.path).rows)
            """, flags: ["--yes"], environment: [
            "DB": cluster.url(db), "COPY": cluster.url(copy),
            "PGOPTIONS": "-c lock_timeout=60s", // a backup() that waited for its files would fail here, not hang
        ])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("blocked while the runbook goes on\t1"), "\(r)")
        #expect(r.stdout.contains("listed before unlocking\tnil"), "\(r)")
        #expect(r.stdout.contains("rows\t5003\tfast\t5000"), "\(r)")
        #expect(r.stdout.contains("keys\tbytes,label,path,planned,rows,table_rows,tables,time,where"), "\(r)")
        #expect(r.stdout.contains("restored\t5003"), "\(r)")
        #expect(r.stderr.contains("writing in the background"), "\(r)")
        #expect(r.stderr.contains("backup db: files"), "\(r)")
        #expect(try cluster.psql(copy, "select count(*), md5(string_agg(v, ',' order by id)) from slow")
            == cluster.psql(db, "select count(*), md5(string_agg(v, ',' order by id)) from slow"))
    }

    @Test("a backup failing in the background stops the run before the next step on its database, and leaves no partial folder")
    func failureStopsTheNextStep() throws {
        let db = try cluster.createDatabase("bgfail")
        // A role that may read `secret` but not past its row-level security: the backup's COPY
        // refuses (row_security = off), after backup() has returned.
        _ = try cluster.connect(db).execute("""
            DO $$ BEGIN CREATE ROLE beek_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            create table secret (a int); insert into secret values (1), (2);
            alter table secret enable row level security;
            create table log (a int);
            grant select on secret, log to beek_reader; grant insert on log to beek_reader;
            """)
        let cli = try BeekrunCLI()
        let r = try cli.runbook("""
            local db <close> = connect{url = env('DB'), name = 'db'}
            backup(db)
            exec(db, 'insert into log values (1)')
            print('not reached')
            """, flags: ["--yes"], environment: ["DB": cluster.url(db, user: "beek_reader")])
        #expect(r.status == 1, "\(r)")
        #expect(!r.stdout.contains("not reached"), "\(r)")
        #expect(r.stderr.contains("row-level security"), "\(r)")
        #expect(r.stderr.contains("✗ backup db: files"), "\(r)")
        #expect(try cluster.psql(db, "select count(*) from log") == "0")
        let left = try FileManager.default.contentsOfDirectory(atPath: cli.directory + "/backups")
        #expect(left == ["beekrun-audit.jsonl"], "\(left)")
    }
}
