#!/usr/bin/env bash
# The test command: installs what a fresh machine lacks (Debian's Chromium for the E2E suite), builds, runs every
# test in CybrLink.sln, and prints one line 'tests: N passed, N failed'. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NUGET_XMLDOC_MODE=skip
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
step() { echo "::: $* ($(date +%T))"; }
die() { echo "tests: 0 passed, 1 failed"; echo "FAILED: $*" >&2; exit 1; }

if ! [ -x "$CHROMIUM_PATH" ]; then
  step "installing chromium (Debian package; Playwright cannot download browsers here)"
  command -v apt-get >/dev/null || die "no $CHROMIUM_PATH and no apt-get: install Chromium and set CHROMIUM_PATH"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 $SUDO apt-get update -qq || die "apt-get update"
  timeout 900 $SUDO apt-get install -y -qq chromium >/dev/null || die "apt-get install chromium"
fi

# PostgreSQL: the integration tests also run on it. A throwaway cluster owned by this run: its own data directory,
# a free port, 127.0.0.1 only, stopped on exit. Debian's package when the binaries are missing.
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if ! [ -x "$PG_BIN/initdb" ]; then
  step "installing postgresql (Debian package)"
  command -v apt-get >/dev/null || die "no $PG_BIN/initdb and no apt-get: install PostgreSQL 15 and set PG_BIN"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 $SUDO apt-get update -qq || die "apt-get update"
  timeout 900 $SUDO apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql"
fi
step "starting a throwaway PostgreSQL"
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cybrlink-pg.XXXXXX")
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
stop_pg() { as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast -w stop" >/dev/null 2>&1; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
as_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' --auth=trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null || die "initdb"
as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -w -l '$PG_DIR/log' -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off\" start" >/dev/null \
  || { cat "$PG_DIR/log" >&2; die "pg_ctl start"; }
export CYBRLINK_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"

step "restore"; timeout 600 dotnet tool restore >/dev/null || die "dotnet tool restore"
timeout 1200 dotnet restore CybrLink.sln || die "restore"
step "build"; timeout 1800 dotnet build CybrLink.sln --no-restore -c Debug || die "build"

step "migrations match the model (SQLite and PostgreSQL)"
timeout 600 dotnet tool run dotnet-ef migrations has-pending-model-changes \
  --project CybrLink.Core --startup-project CybrLink.Web --no-build >/dev/null \
  || die "the EF model changed without a SQLite migration (dotnet ef migrations add <Name> --project CybrLink.Core --startup-project CybrLink.Web --output-dir Data/Migrations)"
Database__Provider=Postgres ConnectionStrings__CybrLink="Host=localhost;Database=cybrlink" \
  timeout 600 dotnet tool run dotnet-ef migrations has-pending-model-changes \
  --project CybrLink.Migrations.Postgres --startup-project CybrLink.Web --no-build >/dev/null \
  || die "the EF model changed without a PostgreSQL migration (Database__Provider=Postgres ConnectionStrings__CybrLink=Host=localhost dotnet ef migrations add <Name> --project CybrLink.Migrations.Postgres --startup-project CybrLink.Web --output-dir Migrations)"

step "test"
rm -rf TestResults
timeout 3000 dotnet test CybrLink.sln --no-build --logger trx --results-directory TestResults \
  --blame-hang-timeout 5m --blame-hang-dump-type none
rc=$?
passed=0; failed=0
for f in TestResults/*.trx; do
  [ -e "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${x:-0}))
done
[ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1   # the runner failed without a failing test (crash, hang)
echo "tests: $passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
