#!/usr/bin/env bash
# Benchmark: the first filtered page of GET /api/v1/connections with 1,000,000 connections in the database.
# Usage: bash bench/connections-list.sh sqlite|postgres [connections=1000000] [requests=200]
# Release build of CybrLink.Web on 127.0.0.1 in a temp folder. PostgreSQL: a throwaway cluster (as test.sh starts one)
# unless BENCH_POSTGRES names a cluster where this user may create databases. Stops everything when done.
set -euo pipefail
cd "$(dirname "$0")/.."
PROVIDER="${1:?sqlite or postgres}"
ROWS="${2:-1000000}"
REQUESTS="${3:-200}"
PORT="${BENCH_PORT:-5098}"
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
SERVER="" PG_DIR=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
cleanup() {
  [ -n "$SERVER" ] && { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }
  [ -n "$PG_DIR" ] && { as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast -w stop" >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build CybrLink.Web -c Release -v q >/dev/null
DLL="$PWD/CybrLink.Web/bin/Release/net10.0/CybrLink.Web.dll"
export ASPNETCORE_ENVIRONMENT=Development Nango__BackgroundSync=false Serilog__MinimumLevel__Default=Warning \
       RateLimits__ApiPerKey__PermitLimit=1000000

if [ "$PROVIDER" = postgres ]; then
  if [ -z "${BENCH_POSTGRES:-}" ]; then
    PG_DIR=$(mktemp -d); [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' --auth=trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
    as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -w -l '$PG_DIR/log' -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1\" start" >/dev/null
    BENCH_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
  fi
  DB="cybrlink_bench_$$"
  PSQL_BASE="$(sed -E 's/Host=([^;]*);Port=([^;]*);Username=([^;]*).*/host=\1 port=\2 user=\3/' <<<"$BENCH_POSTGRES")"
  psql "$PSQL_BASE dbname=postgres" -qc "CREATE DATABASE $DB" >/dev/null
  export Database__Provider=Postgres ConnectionStrings__CybrLink="$BENCH_POSTGRES;Database=$DB"
else
  export ConnectionStrings__CybrLink="Data Source=$WORK/cybrlink.db"
fi

(cd "$WORK" && dotnet "$DLL" migrate)
KEY="$(cd "$WORK" && dotnet "$DLL" create-server-key --name bench)"

echo "seeding $ROWS connections (10 integrations, $((ROWS / 10)) end users) ..."
if [ "$PROVIDER" = postgres ]; then
  psql "$PSQL_BASE dbname=$DB" -q <<SQL
INSERT INTO connections ("Id", "NangoConnectionId", "IntegrationKey", "EndUserId", "OrganizationId", "Status",
  "CreatedAt", "UpdatedAt")
SELECT md5(i::text || 'id')::uuid, md5(i::text)::uuid::text, 'integration-' || (i % 10), 'user-' || (i % ($ROWS / 10)),
  'org-' || (i % 1000), CASE WHEN i % 10 = 0 THEN 'Error' ELSE 'Active' END,
  638000000000000000 + i::bigint * 10000000, 638000000000000000 + i::bigint * 10000000
FROM generate_series(1, $ROWS) AS i;
ANALYZE connections;
SQL
else
  python3 - "$WORK/cybrlink.db" "$ROWS" <<'PY'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1]); rows = int(sys.argv[2])
def gen():
    for i in range(1, rows + 1):
        t = 638000000000000000 + i * 10000000
        yield (str(uuid.uuid4()).upper(), str(uuid.uuid4()), f"integration-{i % 10}", f"user-{i % (rows // 10)}",
               f"org-{i % 1000}", "Error" if i % 10 == 0 else "Active", t, t)
db.executemany('INSERT INTO connections ("Id","NangoConnectionId","IntegrationKey","EndUserId","OrganizationId","Status",'
               '"CreatedAt","UpdatedAt") VALUES (?,?,?,?,?,?,?,?)', gen())
db.commit(); db.execute("ANALYZE"); db.close()
PY
fi

(cd "$WORK" && exec dotnet "$DLL" --urls "$BASE" >"$WORK/server.log" 2>&1) &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "$BASE/health/live" >/dev/null && break; sleep 0.5; done

measure() {  # label, query: median and p95 of REQUESTS sequential requests after 20 warm-up requests
  local label="$1" url="$BASE/api/v1/connections?$2" times
  for _ in $(seq 1 20); do curl -sf -o /dev/null -H "Authorization: Bearer $KEY" "$url"; done
  local count; count=$(curl -sf -H "Authorization: Bearer $KEY" "$url" | grep -o '"id":' | wc -l)
  times=$(for _ in $(seq 1 "$REQUESTS"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $KEY" "$url"; done | sort -n)
  awk -v label="$label" -v n="$count" '{ t[NR] = $1 * 1000 } END {
    printf "%-34s %3d rows  median %6.1f ms  p95 %6.1f ms  max %6.1f ms\n", label, n, t[int(NR * 0.5)], t[int(NR * 0.95)], t[NR] }' <<<"$times"
}
echo "$PROVIDER, $ROWS connections, $REQUESTS requests each (curl, HTTP included), $(nproc) cores:"
measure "end_user_id (10 rows)" "end_user_id=user-4242"
measure "integration (100,000 rows)" "integration=integration-3"
measure "end_user_id + integration" "end_user_id=user-4242&integration=integration-2"
measure "no filter" ""
