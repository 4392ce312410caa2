#!/usr/bin/env bash
# Benchmark: verify-audit over N audit events on SQLite (default 1,000,000).
# Usage: bash bench/audit-verify.sh [events=1000000]
# The events are written straight into a migrated database by an independent Python implementation of the hash
# (docs/audit-chain.md), so the run also checks that the documented format is the one CybrLink verifies.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-1000000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 ConnectionStrings__CybrLink="Data Source=$WORK/cybrlink.db"

dotnet build CybrLink.Web -c Release -v q >/dev/null
DLL="$PWD/CybrLink.Web/bin/Release/net10.0/CybrLink.Web.dll"
(cd "$WORK" && dotnet "$DLL" migrate)

echo "seeding $EVENTS audit events ..."
python3 - "$WORK/cybrlink.db" "$EVENTS" <<'PY'
import hashlib, sqlite3, sys, uuid
db, n = sys.argv[1], int(sys.argv[2])
def field(v):
    if v is None: return b"-"
    b = v.encode(); return str(len(b)).encode() + b":" + b
con = sqlite3.connect(db)
prev = "0" * 64
rows = []
base = 638900000000000000
for seq in range(1, n + 1):
    id_ = str(uuid.UUID(int=seq))
    at = base + seq * 10_000_000
    action, actor_type, actor_id = "connection.created", "nango", None
    target_type, target_id, detail = "connection", str(uuid.UUID(int=seq * 7)), f"integration-{seq % 10}"
    content = b"".join(field(x) for x in [str(seq), id_, str(at), action, actor_type, actor_id, target_type, target_id, detail])
    h = hashlib.sha256(prev.encode() + content).hexdigest()
    rows.append((id_.upper(), at, action, actor_type, actor_id, target_type, target_id, detail, seq, prev, h))
    prev = h
    if len(rows) == 50_000:
        con.executemany('INSERT INTO audit_events ("Id","At","Action","ActorType","ActorId","TargetType","TargetId","Detail","Sequence","PreviousHash","Hash") VALUES (?,?,?,?,?,?,?,?,?,?,?)', rows)
        rows = []
con.executemany('INSERT INTO audit_events ("Id","At","Action","ActorType","ActorId","TargetType","TargetId","Detail","Sequence","PreviousHash","Hash") VALUES (?,?,?,?,?,?,?,?,?,?,?)', rows)
con.execute("UPDATE audit_chain_head SET last_sequence = ?, last_hash = ? WHERE id = 1", (n, prev))
con.commit()
PY

echo "verify-audit:"
start=$(date +%s.%N)
(cd "$WORK" && /usr/bin/time -f "peak RSS %M KB" dotnet "$DLL" verify-audit)
end=$(date +%s.%N)
python3 -c "print(f'elapsed {float($end) - float($start):.2f} s (including process start)')"
