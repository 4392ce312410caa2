#!/usr/bin/env bash
# Benchmark: concurrent loads of the Connect UI page (static rendering, no circuit), with process memory before/after.
# Usage: bash bench/connect-page.sh [concurrency=1000] [rounds=5]
# Runs a Release build of CybrLink.Web on 127.0.0.1 with the sandbox, in a temp folder; stops it when done.
set -euo pipefail
cd "$(dirname "$0")/.."
CONCURRENCY="${1:-1000}"
ROUNDS="${2:-5}"
PORT="${BENCH_PORT:-5097}"
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build CybrLink.Web -c Release -v q >/dev/null
DLL="$PWD/CybrLink.Web/bin/Release/net10.0/CybrLink.Web.dll"
export ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__CybrLink="Data Source=$WORK/cybrlink.db" \
       Nango__BackgroundSync=false Serilog__MinimumLevel__Default=Warning \
       RateLimits__ConnectPerAddress__PermitLimit=1000000   # every load comes from 127.0.0.1: measure the page, not the limit
KEY="$(cd "$WORK" && dotnet "$DLL" create-server-key --name bench)"

(cd "$WORK" && exec dotnet "$DLL" --urls "$BASE" >"$WORK/server.log" 2>&1) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 60); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 0.5; done

rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$SERVER/status"; }

SESSION=$(curl -sf -X POST "$BASE/api/v1/connect-sessions" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"end_user":{"id":"bench-user","email":"ada@example.com","display_name":"Ada"},"integration":"sandbox-mail","expires_in_minutes":60}')
TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$SESSION")
COOKIE=$(curl -s -o /dev/null -D - "$BASE/connect?session=$TOKEN" | sed -n 's/^[Ss]et-[Cc]ookie: \(cybrlink\.connect=[^;]*\).*/\1/p' | tr -d '\r')
[ -n "$COOKIE" ] || { echo "no connect cookie"; exit 1; }

echo "server pid $SERVER, $(nproc) cores; memory at start: $(rss)"
dotnet run bench/ConnectLoad.cs -- "$BASE" "$COOKIE" 50 1 >/dev/null   # warm-up (JIT, pools)
echo "memory after warm-up: $(rss)"
dotnet run bench/ConnectLoad.cs -- "$BASE" "$COOKIE" "$CONCURRENCY" "$ROUNDS"
echo "memory after $((CONCURRENCY * ROUNDS)) loads: $(rss)"
