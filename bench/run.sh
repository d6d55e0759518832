#!/usr/bin/env bash
# Benchmark: what a user runs, `beekrun --yes runbooks/sync.lua` (release build, the real CLI,
# verification included), against pg_dump -Fd -j2 + pg_restore -j2 of the same database, with
# default compression and with -Z0.
#
#   usage: bench/run.sh [SIZE_MB]      SIZE_MB: 250 (default) or 2500, the size of prod on disk
#   env:   RUNS=3 (runs of each, interleaved)  SKIP_BUILD=1  KEEP=1 (keep the cluster folder)
#          BEEKRUN=path SYNC=path: another beekrun binary and sync runbook (to time an older build)
#          BASE=path: a second beekrun binary timed in the same rounds (e.g. the build before a change),
#          so two builds compare on equal footing on a busy machine
#
# A throwaway cluster (fsync off, same settings for both sides) gets a generated "production"
# database (bench/generate.sql + bench/auth.sql). Each run, for each contender in turn:
#   pg       pg_dump -Fd -j2 prod, then pg_restore -j2 into a fresh database (both timed)
#   pg -Z0   the same without compression
#   beekrun  beekrun --yes runbooks/sync.lua, PROD = prod, DEV = a fresh database holding only
#            the auth tables (as a Supabase project has): backup prod and dev, nuke, clone_schema,
#            clone_auth, restore, diff and verify
# Creating and dropping the fresh databases is not timed. The table gives the median wall time
# of the runs, their spread (min–max), and the peak RSS of the client processes (pg_dump and
# pg_restore, or beekrun; the servers are the same for both). After the first beekrun run the
# copies are checked against prod with psql (row counts and row hashes, and a sequence).
# On a shared or busy machine the numbers are noisy: compare the ratio of interleaved runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE_MB=${1:-250}
case "$SIZE_MB" in ''|*[!0-9]*) echo "usage: bench/run.sh [SIZE_MB]   (e.g. 250 or 2500)" >&2; exit 2;; esac
RUNS=${RUNS:-3}
SCALE=$(echo "$SIZE_MB * 0.0022" | bc -l)   # scale 0.55 ≈ 250 MB

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL server installed (apt-get install postgresql)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

W=$(mktemp -d /tmp/beek-bench-XXXXXX)
PORT=$((20000 + RANDOM % 30000))
AS=()
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$W"; chmod 777 "$W"; AS=(/usr/sbin/runuser -u postgres --); fi
cleanup() {
  "${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -m immediate -w stop >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT

echo "== cluster in $W (PostgreSQL $("$BIN/postgres" --version | awk '{print $3}'), port $PORT, $(nproc) cores)"
"${AS[@]}" "$BIN/initdb" -D "$W/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -l "$W/server.log" -w -o \
  "-k $W -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c shared_buffers=256MB -c maintenance_work_mem=256MB" \
  start >/dev/null
PGARGS=(-h "$W" -p "$PORT" -U postgres)
psql_() { PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" "${PGARGS[@]}" -X -q -v ON_ERROR_STOP=1 "$@"; }
url() { echo "host=$W port=$PORT user=postgres dbname=$1"; }

echo "== generating prod: $SIZE_MB MB (scale $SCALE)"
psql_ -d postgres -c "create database prod"
gen_start=$(date +%s.%N)
psql_ -d prod -f bench/auth.sql >/dev/null
psql_ -d prod -v scale="$SCALE" -f bench/generate.sql >/dev/null
psql_ -d prod -c "insert into auth.users (id, email, created_at) select gen_random_uuid(), 'u' || g || '@example.com', now() from generate_series(1, 2000) g;
  insert into auth.identities (provider_id, user_id, identity_data, provider) select id::text, id, jsonb_build_object('email', email), 'email' from auth.users"
printf "   %s in %.0f s\n" "$(psql_ -d prod -At -c "select pg_size_pretty(pg_database_size('prod'))")" "$(echo "$(date +%s.%N) - $gen_start" | bc)"

if [ "${SKIP_BUILD:-0}" != 1 ] && [ -z "${BEEKRUN:-}" ]; then
  echo "== building beekrun (release)"
  swift build -c release --product beekrun 2>&1 | grep -E "error|complete" | tail -3
fi
CLI=${BEEKRUN:-$ROOT/.build/release/beekrun}
SYNC=${SYNC:-runbooks/sync.lua}
[ -x "$CLI" ] || { echo "no $CLI: build it (swift build -c release --product beekrun)" >&2; exit 2; }

# timed NAME CMD…: appends "wall_seconds peak_rss_kB" to $W/NAME.times; the output goes to $W/NAME.out.
timed() {
  local name=$1; shift
  if ! /usr/bin/time -f "%e %M" -o "$W/$name.t" "$@" >"$W/$name.out" 2>&1; then
    echo "$name failed:" >&2; tail -20 "$W/$name.out" >&2; exit 1
  fi
  cat "$W/$name.t"
}

run_pg() { # $1: label, rest: extra pg_dump flags
  local label=$1; shift
  rm -rf "$W/dump"; psql_ -d postgres -c "drop database if exists peer" -c "create database peer"
  local d r
  d=$(timed pg_dump "$BIN/pg_dump" "${PGARGS[@]}" -Fd -j2 "$@" -f "$W/dump" prod)
  r=$(timed pg_restore "$BIN/pg_restore" "${PGARGS[@]}" -j2 -d peer "$W/dump")
  echo "$d $r" | awk '{printf "%.2f %d\n", $1 + $3, ($2 > $4 ? $2 : $4)}' >>"$W/$label.times"
}

run_beekrun() { # $1: label (default beekrun), $2: binary (default $CLI)
  local label=${1:-beekrun} cli=${2:-$CLI}
  psql_ -d postgres -c "drop database if exists dev" -c "create database dev"
  psql_ -d dev -f bench/auth.sql >/dev/null
  rm -rf "$W/backups"; mkdir -p "$W/backups"
  timed "$label" env PROD_DATABASE_URL="$(url prod)" DEV_DATABASE_URL="$(url dev)" BEEK_BACKUP_DIR="$W/backups" \
    "$cli" --yes "$SYNC" | awk '{printf "%.2f %d\n", $1, $2}' >>"$W/$label.times"
}

check_copies() {
  local tables t
  tables=$(psql_ -d prod -At -c "select string_agg(format('%I.%I', n.nspname, c.relname), ' ' order by 1) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'm') and n.nspname in ('public', 'auth')")
  for db in prod peer dev; do
    for t in $tables; do psql_ -d "$db" -At -c "select '$t', count(*), coalesce(sum(hashtext(x::text)::bigint), 0) from $t x"; done >"$W/$db.fp"
    psql_ -d "$db" -At -c "select nextval(pg_get_serial_sequence('orders', 'id'))" >>"$W/$db.fp"
  done
  if cmp -s "$W/prod.fp" "$W/peer.fp" && cmp -s "$W/prod.fp" "$W/dev.fp"; then
    echo "   checked: both copies equal prod ($(($(wc -l <"$W/prod.fp") - 1)) tables: row counts, row hashes; orders.id sequence)"
  else
    echo "   MISMATCH against prod:"; diff "$W/prod.fp" "$W/dev.fp" || true; exit 1
  fi
}

for i in $(seq 1 "$RUNS"); do
  echo "== run $i of $RUNS"
  run_pg pg;     printf "   %-8s %6.2f s\n" "pg" "$(tail -1 "$W/pg.times" | cut -d' ' -f1)"
  run_pg pg_z0 -Z0; printf "   %-8s %6.2f s\n" "pg -Z0" "$(tail -1 "$W/pg_z0.times" | cut -d' ' -f1)"
  run_beekrun;   printf "   %-8s %6.2f s\n" "beekrun" "$(tail -1 "$W/beekrun.times" | cut -d' ' -f1)"
  if [ "$i" = 1 ]; then check_copies; fi
  if [ -n "${BASE:-}" ]; then
    run_beekrun base "$BASE"; printf "   %-8s %6.2f s\n" "base" "$(tail -1 "$W/base.times" | cut -d' ' -f1)"
  fi
done
grep -E "^(✓|✗)" "$W/beekrun.out" | sed 's/^/   last beekrun: /' || true

# stats FILE: "median min max peakRSS_MB"
stats() {
  sort -n -k1,1 "$1" | awk '{t[NR] = $1; if ($2 > m) m = $2} END {
    med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "%.2f %.2f %.2f %.0f\n", med, t[1], t[NR], m / 1024 }'
}
read -r PG PG_MIN PG_MAX PG_RSS < <(stats "$W/pg.times")
read -r Z0 Z0_MIN Z0_MAX Z0_RSS < <(stats "$W/pg_z0.times")
read -r BK BK_MIN BK_MAX BK_RSS < <(stats "$W/beekrun.times")
echo
echo "== result: prod $SIZE_MB MB, median of $RUNS interleaved runs"
printf "   %-40s %9s %15s %14s\n" "" "median s" "min–max s" "peak RSS MB"
printf "   %-40s %9.2f %15s %14s\n" "pg_dump -Fd -j2 + pg_restore -j2" "$PG" "$PG_MIN–$PG_MAX" "$PG_RSS"
printf "   %-40s %9.2f %15s %14s\n" "pg_dump -Fd -j2 -Z0 + pg_restore -j2" "$Z0" "$Z0_MIN–$Z0_MAX" "$Z0_RSS"
printf "   %-40s %9.2f %15s %14s\n" "beekrun --yes $SYNC" "$BK" "$BK_MIN–$BK_MAX" "$BK_RSS"
if [ -n "${BASE:-}" ]; then
  read -r BS BS_MIN BS_MAX BS_RSS < <(stats "$W/base.times")
  printf "   %-40s %9.2f %15s %14s\n" "BASE: $BASE" "$BS" "$BS_MIN–$BS_MAX" "$BS_RSS"
  printf "   ratio base / pg: %.2f   base / pg -Z0: %.2f\n" "$(echo "$BS / $PG" | bc -l)" "$(echo "$BS / $Z0" | bc -l)"
fi
printf "   ratio beekrun / pg: %.2f   beekrun / pg -Z0: %.2f   (target: <= 0.90 against pg; peak RSS <= 100 MB)\n" \
  "$(echo "$BK / $PG" | bc -l)" "$(echo "$BK / $Z0" | bc -l)"
