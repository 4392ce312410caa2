#!/usr/bin/env bash
# Benchmark: one echo call three ways (CybrLink's action endpoint, CybrLink's proxy endpoint, and straight to the
# sandbox Nango's /proxy on its own port), at concurrency 1 and 64, and the same action as an MCP tools/call beside the
# action endpoint at concurrency 1 and 32, in one run. Reports added latency, throughput, CPU per call of each process,
# and checks that CybrLink wrote one audit row per agent call (an MCP tools/call is one).
# Usage: bash bench/agent-proxy.sh [calls-at-concurrency-1=3000] [calls-at-concurrency-32-and-64=20000]
# Release builds, SQLite in a temp directory; stops everything it started when done.
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS_1="${1:-3000}"
CALLS_64="${2:-20000}"
PORT_C="${BENCH_PORT:-5096}"; PORT_S=$((PORT_C + 1))
WORK="$(mktemp -d)"
SECRET="0f8fad5b-d9cb-469f-a165-70867728950e"  # the sandbox's key for this run only
SIGNING="bench-signing-$$"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
PIDS=()
cleanup() {
  # Newest first: the servers, then the `dotnet run` wrapper that waits on its sandbox.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null; wait "${PIDS[i]}" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build CybrLink.Web -c Release -v q >/dev/null
DLL="$PWD/CybrLink.Web/bin/Release/net10.0/CybrLink.Web.dll"

# The sandbox Nango, standalone; its webhooks go to CybrLink (that is how the bench connection gets recorded).
dotnet run -c Release bench/SandboxHost.cs -- "$PORT_S" "$SECRET" "$SIGNING" "http://127.0.0.1:$PORT_C/api/v1/webhooks/nango" \
  >"$WORK/sandbox.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 600); do grep -q '^ready' "$WORK/sandbox.log" && break; sleep 0.5; done
read -r _ SANDBOX_URL SANDBOX_PID < <(grep '^ready' "$WORK/sandbox.log")
PIDS+=("$SANDBOX_PID")

export ASPNETCORE_ENVIRONMENT=Production Serilog__MinimumLevel__Default=Warning Nango__BackgroundSync=false \
       Nango__BaseUrl="$SANDBOX_URL" Nango__SecretKey="$SECRET" Nango__WebhookSigningKey="$SIGNING" \
       Connect__PublicUrl="http://127.0.0.1:$PORT_C" Agent__DefaultPerMinute=1000000 \
       RateLimits__ApiPerKey__PermitLimit=1000000 ConnectionStrings__CybrLink="Data Source=$WORK/cybrlink.db"
(cd "$WORK" && dotnet "$DLL" migrate >/dev/null)
if [ -n "${BENCH_SQLITE_WAL:-}" ]; then
  # Experiment: SQLite in WAL mode (persistent in the file) to see what the rollback journal's fsyncs cost per call.
  python3 -c "import sqlite3,sys; print('journal_mode', sqlite3.connect(sys.argv[1]).execute('pragma journal_mode=wal').fetchone()[0])" "$WORK/cybrlink.db"
fi
SERVER_KEY="$(cd "$WORK" && dotnet "$DLL" create-server-key --name bench)"
AGENT_KEY="$(cd "$WORK" && dotnet "$DLL" create-agent --name bench)"
(cd "$WORK" && exec dotnet "$DLL" --urls "http://127.0.0.1:$PORT_C" >"$WORK/server.log" 2>&1) &
CYBRLINK_PID=$!
PIDS+=("$CYBRLINK_PID")
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT_C/health/live" >/dev/null && break; sleep 0.5; done

echo "CybrLink (Release, Production, SQLite) and the sandbox Nango as separate processes; $(nproc) cores shared with the load generator"
dotnet run -c Release bench/AgentLoad.cs -- "http://127.0.0.1:$PORT_C" "$SERVER_KEY" "$AGENT_KEY" "$SANDBOX_URL" "$SECRET" \
  "$CYBRLINK_PID" "$SANDBOX_PID" "$CALLS_1" "$CALLS_64" | tee "$WORK/load.out"

CALLS="$(awk '/^agent_requests/ {print $2}' "$WORK/load.out")"
ROWS="$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from agent_calls').fetchone()[0])" "$WORK/cybrlink.db")"
echo "audit rows: $ROWS for $CALLS agent calls"
[ "$ROWS" = "$CALLS" ] || { echo "audit rows != calls" >&2; exit 1; }
