#!/usr/bin/env bash
# Runs every test of ChatSupport: builds the solution once (warnings are errors), then runs the test
# projects without rebuilding, and ends with one summary line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build ChatSupport.sln -c Release --nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test tests/ChatSupport.UnitTests -c Release --no-build --nologo 2>&1 | tee "$log" || status=$?

# "Passed!  - Failed:     0, Passed:   749, Skipped:     0, Total:   749" (one line per test project)
summary=$(grep -E '(Passed|Failed)! +- Failed: ' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
echo "tests: ${summary:-0 passed, 0 failed}"
if [ "$status" -eq 0 ] && ! grep -qE '(Passed|Failed)! +- Failed: ' "$log"; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
