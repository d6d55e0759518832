#!/usr/bin/env bash
# Benchmark: beekrun's data engine against pg_dump -Fd -j2 + pg_restore -j2, in one run.
#
# Generates a ~250 MB "production" database (bench/generate.sql) in a throwaway cluster, then
#   peer:    pg_dump -Fd -j2 prod        → pg_restore -j2 into a fresh database
#   beekrun: backup(prod) (JSON folder)  → fresh database, schema pre-data, restore(), post-data
# and prints each step's wall time and peak RSS, the ratio beekrun/peer, and checks that
# both copies hold the same rows as prod.
#
# The schema steps of the beekrun side stand in for the schema engine (clone_schema), which
# the real sync uses; they are timed as part of the beekrun total.
#
# The engine is driven through the release-built test binary (BenchTest suite, enabled by
# BEEK_BENCH=1). With BENCH_CLI=1 and a built `beekrun`, the sync runs as a runbook
# (bench/sync-bench.lua) instead: backup, nuke, clone_schema and restore, all timed.
#
# Environment: SCALE (default 0.55 ≈ 250 MB database), KEEP=1 to keep the cluster folder, SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCALE=${SCALE:-0.55}

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL server installed (apt-get install postgresql)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

W=$(mktemp -d /tmp/beek-bench-XXXXXX)
PORT=$((20000 + RANDOM % 30000))
AS=()
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$W"; AS=(/usr/sbin/runuser -u postgres --); fi
cleanup() {
  "${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -m immediate -w stop >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT

echo "== cluster in $W (PostgreSQL $("$BIN/postgres" --version | awk '{print $3}'), port $PORT)"
"${AS[@]}" "$BIN/initdb" -D "$W/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# Same settings for both sides; fsync off so the disk of a shared machine adds less noise.
"${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -l "$W/server.log" -w -o \
  "-k $W -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c shared_buffers=256MB -c maintenance_work_mem=256MB" \
  start >/dev/null
PGARGS=(-h "$W" -p "$PORT" -U postgres)
psql_() { "$BIN/psql" "${PGARGS[@]}" -X -q -v ON_ERROR_STOP=1 "$@"; }
url() { echo "host=$W port=$PORT user=postgres dbname=$1"; }

echo "== generating prod (scale $SCALE)"
psql_ -d postgres -c "create database prod"
gen_start=$(date +%s.%N)
psql_ -d prod -v scale="$SCALE" -f bench/generate.sql >/dev/null
printf "   %s in %.1f s\n" "$(psql_ -d prod -At -c "select pg_size_pretty(pg_database_size('prod'))")" \
  "$(echo "$(date +%s.%N) - $gen_start" | bc)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building (release)"
  # -enable-testing: some unit tests use @testable, and the bench suite lives in the same test binary.
  swift build -c release --build-tests -Xswiftc -enable-testing 2>&1 | grep -E "error|Compiling|Build complete" | tail -3
fi
TESTBIN="$ROOT/.build/release/beekrunPackageTests.xctest"
CLI="$ROOT/.build/release/beekrun"

# measure NAME CMD…: runs under /usr/bin/time -v; records wall seconds and peak RSS (kB).
declare -A WALL RSS
measure() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  if ! /usr/bin/time -v -o "$W/$name.time" "$@" >"$W/$name.out" 2>&1; then
    echo "step $name failed:" >&2; tail -20 "$W/$name.out" >&2; exit 1
  fi
  t1=$(date +%s.%N)
  WALL[$name]=$(echo "$t1 - $t0" | bc)
  RSS[$name]=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/$name.time")
  printf "   %-22s %7.2f s   peak RSS %6.1f MB\n" "$name" "${WALL[$name]}" "$(echo "${RSS[$name]} / 1024" | bc -l)"
}
sum() { local s=0; for k in "$@"; do s=$(echo "$s + ${WALL[$k]}" | bc); done; echo "$s"; }

echo "== peer: pg_dump -Fd -j2 + pg_restore -j2"
measure pg_dump "$BIN/pg_dump" "${PGARGS[@]}" -Fd -j2 -f "$W/dump" prod
psql_ -d postgres -c "create database peer"
measure pg_restore "$BIN/pg_restore" "${PGARGS[@]}" -j2 -d peer "$W/dump"
PEER=$(sum pg_dump pg_restore)

echo "== beekrun"
psql_ -d postgres -c "create database mine"
mkdir -p "$W/backups"
if [ "${BENCH_CLI:-0}" = 1 ] && [ -x "$CLI" ]; then
  measure beekrun_sync env PROD_DATABASE_URL="$(url prod)" DEV_DATABASE_URL="$(url mine)" BEEK_BACKUP_DIR="$W/backups" \
    "$CLI" --yes bench/sync-bench.lua
  MINE=$(sum beekrun_sync)
  PEAK=${RSS[beekrun_sync]}
else
  measure backup env BEEK_BENCH=1 BEEK_BENCH_STEP=backup BEEK_BENCH_URL="$(url prod)" BEEK_BENCH_DIR="$W/backups" \
    "$TESTBIN" --testing-library swift-testing --filter BenchTest
  BACKUP_PATH=$(grep -o 'path=[^ ]*' "$W/backup.out" | head -1 | cut -d= -f2)
  [ -d "$BACKUP_PATH" ] || { echo "backup did not report its folder:" >&2; cat "$W/backup.out" >&2; exit 1; }
  printf "   backup folder: %s (%s)\n" "$(basename "$BACKUP_PATH")" "$(du -sh "$BACKUP_PATH" | cut -f1)"
  # Stand-in for clone_schema: tables first, indexes/constraints after the rows.
  measure schema_pre bash -c "'$BIN/pg_dump' -h '$W' -p $PORT -U postgres -s --section=pre-data prod | '$BIN/psql' -h '$W' -p $PORT -U postgres -X -q -v ON_ERROR_STOP=1 -d mine"
  measure restore env BEEK_BENCH=1 BEEK_BENCH_STEP=restore BEEK_BENCH_URL="$(url mine)" BEEK_BENCH_DIR="$BACKUP_PATH" \
    "$TESTBIN" --testing-library swift-testing --filter BenchTest
  # restore() already refreshed the materialized view; post-data's REFRESH is left out.
  measure schema_post bash -c "'$BIN/pg_dump' -h '$W' -p $PORT -U postgres -s --section=post-data prod | grep -v '^REFRESH MATERIALIZED VIEW' | '$BIN/psql' -h '$W' -p $PORT -U postgres -X -q -v ON_ERROR_STOP=1 -d mine"
  MINE=$(sum backup schema_pre restore schema_post)
  PEAK=$(( RSS[backup] > RSS[restore] ? RSS[backup] : RSS[restore] ))
  grep -h '^BENCH' "$W/backup.out" "$W/restore.out" | sed 's/^/   /'
fi

echo "== checking that both copies hold prod's rows"
tables=$(psql_ -d prod -At -c "select string_agg(quote_ident(relname), ' ' order by relname) from pg_class where relkind in ('r', 'm') and relnamespace = 'public'::regnamespace")
fingerprint() {
  for t in $tables; do psql_ -d "$1" -At -c "select '$t', count(*), coalesce(sum(hashtext(x::text)::bigint), 0) from $t x"; done
}
fingerprint prod >"$W/prod.fp"; fingerprint peer >"$W/peer.fp"; fingerprint mine >"$W/mine.fp"
if cmp -s "$W/prod.fp" "$W/peer.fp" && cmp -s "$W/prod.fp" "$W/mine.fp"; then
  echo "   identical: $(wc -l <"$W/prod.fp") tables (row counts and row hashes)"
else
  echo "   MISMATCH"; diff "$W/prod.fp" "$W/mine.fp" || true; exit 1
fi
if [ "$(psql_ -d prod -At -c "select pg_get_serial_sequence('orders', 'id')::regclass::text, nextval(pg_get_serial_sequence('orders', 'id'))")" != \
     "$(psql_ -d mine -At -c "select pg_get_serial_sequence('orders', 'id')::regclass::text, nextval(pg_get_serial_sequence('orders', 'id'))")" ]; then
  echo "   sequence orders.id differs"; exit 1
fi

echo "== result"
printf "   peer (pg_dump -Fd -j2 + pg_restore -j2): %7.2f s\n" "$PEER"
printf "   beekrun (backup + schema + restore):     %7.2f s\n" "$MINE"
printf "   ratio beekrun/peer: %.2f (target <= 1.5)\n" "$(echo "$MINE / $PEER" | bc -l)"
printf "   beekrun peak RSS: %.1f MB (target <= 200)\n" "$(echo "$PEAK / 1024" | bc -l)"
