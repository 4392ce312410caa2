#!/usr/bin/env bash
# Benchmark: connect-session creation at concurrency 64 through one CybrLink instance, then through two instances on
# the same PostgreSQL database (requests alternate between them, as a round-robin load balancer would).
# Usage: bash bench/session-create.sh [concurrency=64] [sessions=5000]
# Release build; a throwaway PostgreSQL cluster unless BENCH_POSTGRES is set; stops everything when done.
set -euo pipefail
cd "$(dirname "$0")/.."
CONCURRENCY="${1:-64}"
TOTAL="${2:-5000}"
PORT_A="${BENCH_PORT:-5098}"; PORT_B=$((PORT_A + 1))
WORK="$(mktemp -d)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
PIDS=() PG_DIR=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
  [ -n "$PG_DIR" ] && { as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast -w stop" >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
  [ -n "${KEEP_LOGS:-}" ] && cp "$WORK"/server-*.log "$KEEP_LOGS"/ 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build CybrLink.Web -c Release -v q >/dev/null
DLL="$PWD/CybrLink.Web/bin/Release/net10.0/CybrLink.Web.dll"
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
export ASPNETCORE_ENVIRONMENT=Development Nango__BackgroundSync=false Serilog__MinimumLevel__Default=Warning \
       RateLimits__ApiPerKey__PermitLimit=1000000 Database__Provider=Postgres \
       ConnectionStrings__CybrLink="$BENCH_POSTGRES;Database=$DB;Maximum Pool Size=40"  # 2 x 40 < max_connections 100
(cd "$WORK" && dotnet "$DLL" migrate)
KEY="$(cd "$WORK" && dotnet "$DLL" create-server-key --name bench)"

start() {
  (cd "$WORK" && exec dotnet "$DLL" --urls "http://127.0.0.1:$1" >"$WORK/server-$1.log" 2>&1) &
  PIDS+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/health/live" >/dev/null && break; sleep 0.5; done
}
start "$PORT_A"; start "$PORT_B"
echo "two instances on one PostgreSQL, $(nproc) cores shared by both instances, PostgreSQL and the load generator"
dotnet run bench/SessionLoad.cs -- "$KEY" 16 500 "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" >/dev/null  # warm-up
dotnet run bench/SessionLoad.cs -- "$KEY" "$CONCURRENCY" "$TOTAL" "http://127.0.0.1:$PORT_A"
dotnet run bench/SessionLoad.cs -- "$KEY" "$CONCURRENCY" "$TOTAL" "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B"
