import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Issue 11: random nested Lua values (tables, cycles, functions, coroutines, huge numbers,
/// NaN, NUL bytes, invalid UTF-8) into every primitive's arguments and options. No crash;
/// every failure is a clear error (a string naming the runbook line). Seeded, so a failure
/// replays; a dry run, so nothing is written.
@Suite("Fuzzing the primitives")
struct FuzzTests {
    @Test("random values into every primitive: no crash, every failure a clear error", arguments: [11, 23])
    func randomArguments(seed: Int) throws {
        let cluster = PostgresCluster.shared
        let db = try cluster.createDatabase("fuzz")
        _ = try cluster.psql(db, "create table t(a int); insert into t values (1)")
        let primitives = PrimitiveRegistry.all
        let names = primitives.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let keys = Set(primitives.flatMap(\.optionKeys)).sorted().map { "\"\($0)\"" }.joined(separator: ", ")
        let r = try BeekrunCLI().runbook(#"""
            math.randomseed(\#(seed))
            local db <close> = connect{url = env('DB'), name = 'fuzzdb'}
            local names = {\#(names)}
            local keys = {\#(keys)}
            local function resolve(name)
              local f = _G
              for part in name:gmatch("[^.]+") do f = f[part] end
              return f
            end
            local strings = {"", "a\0b", "\xff\xfe\xc3", "public", "public.t", "*", "select 1", "../..", "commit",
                             string.rep("x", 5000), "'; drop table t; --", "$1", "postgresql://u:p@/d?host=/nonexistent", "nan"}
            local numbers = {0, -1, 1, 2^53, 2^63, -2^63, math.huge, -math.huge, 0/0, -0.0, 1e308, 0.5,
                             math.maxinteger, math.mininteger}
            local value
            local function tbl(depth)
              local t = {}
              for i = 1, math.random(0, 4) do t[i] = value(depth + 1) end
              for i = 1, math.random(0, 3) do t[keys[math.random(#keys)]] = value(depth + 1) end
              if math.random() < 0.2 then t.self = t end
              if math.random() < 0.1 then t[math.huge] = 1 end
              return t
            end
            function value(depth)
              local k = math.random(1, depth > 3 and 6 or 9)
              if k == 1 then return nil
              elseif k == 2 then return math.random() < 0.5
              elseif k == 3 then return numbers[math.random(#numbers)]
              elseif k == 4 then return strings[math.random(#strings)]
              elseif k == 5 then return db
              elseif k == 6 then return math.random(-1000, 1000)
              elseif k == 7 then return function() return value(9) end
              elseif k == 8 then return coroutine.create(function() end)
              else
                if math.random() < 0.1 then
                  local deep = {} for i = 1, 40 do deep = {deep} end
                  return deep
                end
                return tbl(depth)
              end
            end
            local calls, failures, unclear = 0, 0, 0
            for round = 1, 40 do
              for _, name in ipairs(names) do
                if name ~= "abort" and name ~= "print" and name ~= "log" then
                  local f = resolve(name)
                  local args = {}
                  local n = math.random(0, 4)
                  for i = 1, n do args[i] = value(0) end
                  if math.random() < 0.5 then args[math.random(1, 3)] = tbl(0) end
                  if math.random() < 0.4 then table.insert(args, 1, db) end
                  local ok, err = pcall(f, table.unpack(args, 1, 5))
                  calls = calls + 1
                  if not ok then
                    failures = failures + 1
                    if type(err) ~= "string" or not err:find("test.lua:%d+:") then
                      unclear = unclear + 1
                      print("UNCLEAR", name, type(err), tostring(err))
                    end
                  end
                end
              end
            end
            print("fuzz", calls, failures, unclear)
            """#, flags: ["--dry-run"], environment: ["DB": cluster.url(db), "BEEK_MEMORY_LIMIT_MB": "512"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("fuzz\t"), "\(r)")
        #expect(!r.stdout.contains("UNCLEAR"), "\(r.stdout.split(separator: "\n").filter { $0.hasPrefix("UNCLEAR") }.prefix(10))")
        #expect(!r.stderr.contains("Fatal error"))
        #expect(try cluster.psql(db, "select count(*) from t") == "1")
    }
}
