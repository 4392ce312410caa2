#!/usr/bin/env bash
# Benchmark: the console's grids and GET /api/v1/connections with 1,000,000 demo connections and 1,000,000 agent calls
# (seed-demo) in a temp SQLite database. Prints how long seeding took, then p50 / p95 of the first filtered page of each
# grid query (in process, through ConnectionQuery / EndUserQuery) and of the API (over HTTP), 30 runs each.
# Usage: bash bench/console-grids.sh [connections=1000000] [calls=1000000] [end-users=100000] [runs=30]
# Release build, server on 127.0.0.1; stops everything it started when done.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS="${1:-1000000}"; CALLS="${2:-1000000}"; END_USERS="${3:-100000}"; RUNS="${4:-30}"
PORT="${BENCH_PORT:-5099}"; BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
SERVER=""
cleanup() { [ -n "$SERVER" ] && { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; }; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build CybrLink.Web -c Release -v q >/dev/null
DLL="$PWD/CybrLink.Web/bin/Release/net10.0/CybrLink.Web.dll"
# As bench/connections-list.sh: Development (the in-process sandbox stands in for Nango, which nothing here calls).
export ASPNETCORE_ENVIRONMENT=Development Serilog__MinimumLevel__Default=Warning Nango__BackgroundSync=false \
       RateLimits__ApiPerKey__PermitLimit=1000000 \
       ConnectionStrings__CybrLink="Data Source=$WORK/cybrlink.db"
(cd "$WORK" && dotnet "$DLL" migrate)
start=$(date +%s)
(cd "$WORK" && dotnet "$DLL" seed-demo --end-users "$END_USERS" --connections "$CONNECTIONS" --calls "$CALLS")
echo "seed-demo took $(( $(date +%s) - start )) s; database $(du -h "$WORK/cybrlink.db" | cut -f1)"
KEY="$(cd "$WORK" && dotnet "$DLL" create-server-key --name bench)"
(cd "$WORK" && exec dotnet "$DLL" --urls "$BASE" >"$WORK/server.log" 2>&1) &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "$BASE/health/live" >/dev/null && break; sleep 0.5; done

echo "SQLite, $CONNECTIONS connections, $CALLS agent calls, $END_USERS end users; $RUNS runs each; $(nproc) cores (shared)"
dotnet run -c Release bench/GridBench.cs -- "$WORK/cybrlink.db" "$BASE" "$KEY" "$RUNS"
