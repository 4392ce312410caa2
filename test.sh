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

step "restore"; timeout 600 dotnet tool restore >/dev/null || die "dotnet tool restore"
timeout 1200 dotnet restore CybrLink.sln || die "restore"
step "build"; timeout 1800 dotnet build CybrLink.sln --no-restore -c Debug || die "build"

step "migrations match the model"
timeout 600 dotnet tool run dotnet-ef migrations has-pending-model-changes \
  --project CybrLink.Core --startup-project CybrLink.Web --no-build >/dev/null \
  || die "the EF model changed without a migration (dotnet ef migrations add <Name> --project CybrLink.Core --startup-project CybrLink.Web --output-dir Data/Migrations)"

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
