import BeekrunKit
import Testing

/// How a migration file is split into the statements the Supabase CLI records.
@Suite("SQL statements")
struct SQLStatementsTests {
    @Test("a backup where= filter is one expression that cannot leave its parentheses")
    func filterExpressions() {
        for ok in ["created_at > now() - interval '30 days'", "note = 'a;b)' -- trailing ) comment", #""we""ird(" > 1"#,
                   "id in (select id from public.orders where $$;)$$ <> '')", "x /* ( */ > 1", "begin_at > now()"] {
            #expect(SQLStatements.expressionProblem(ok) == nil, "\(ok)")
        }
        let refused: [(String, String)] = [
            ("1; drop table x", "';'"), ("x > 1;", "';'"), ("commit", "transaction control"), ("END", "transaction control"),
            ("x) or (true", "closes a parenthesis"), ("(x > 1", "unclosed '('"), ("note = 'x", "unclosed string"),
            (#"x = "y"#, "unclosed quoted identifier"), ("x > 1 /* (", "unclosed comment"), ("$a$ x", "unclosed dollar-quoted"),
            ("  -- only a comment", "empty"), ("", "empty"),
        ]
        for (text, problem) in refused {
            #expect(SQLStatements.expressionProblem(text)?.contains(problem) == true, "\(text): \(SQLStatements.expressionProblem(text) ?? "nil")")
        }
    }

    @Test("cut at semicolons outside strings, identifiers, comments and dollar quotes; trimmed, without ';'")
    func split() {
        let sql = """
            -- leading comment stays with its statement
            create table "a;b" (x text default 'it''s; fine');

            create function f() returns int language plpgsql as $body$ begin return 1; end; $body$;
            select E'back\\'slash;', $$x;y$$ /* block ; /* nested ; */ */;
            select $1::int;;
            insert into t values ('no final semicolon')
            """
        #expect(SQLStatements.split(sql) == [
            "-- leading comment stays with its statement\ncreate table \"a;b\" (x text default 'it''s; fine')",
            "create function f() returns int language plpgsql as $body$ begin return 1; end; $body$",
            "select E'back\\'slash;', $$x;y$$ /* block ; /* nested ; */ */",
            "select $1::int",
            "insert into t values ('no final semicolon')",
        ])
    }

    @Test("file names the Supabase CLI accepts, and the folder that selects its history")
    func names() {
        #expect(SupabaseMigrationHistory.parse(fileName: "20240101120000_create_hives.sql")! == ("20240101120000", "create_hives"))
        #expect(SupabaseMigrationHistory.parse(fileName: "20240101120000_a_b.sql")! == ("20240101120000", "a_b"))
        #expect(SupabaseMigrationHistory.parse(fileName: "create_hives.sql") == nil)
        #expect(SupabaseMigrationHistory.parse(fileName: "2024_x.txt") == nil)
        #expect(SupabaseMigrationHistory.isSupabaseLayout("supabase/migrations/20240101120000_x.sql"))
        #expect(SupabaseMigrationHistory.isSupabaseLayout("/srv/app/supabase/migrations/1_x.sql"))
        #expect(!SupabaseMigrationHistory.isSupabaseLayout("Migrations/001_x.sql"))
    }
}
