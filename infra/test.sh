#!/usr/bin/env bash
# Runs every test of ChatSupport: builds the solution once (warnings are errors), starts a throwaway PostgreSQL
# unless ConnectionStrings__ChatSupport names one (infra/postgres.sh, which also sets Database__Provider=postgres), runs the test projects without rebuilding,
# and ends with one summary line "N passed, N failed, N skipped". Database tests fail, never skip, without a server;
# browser tests likewise without Chromium (installed here with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build ChatSupport.sln -c Release --nologo -v quiet

# The browser tests drive Debian's Chromium (never a downloaded one), with a Japanese font so that screenshots show
# Japanese text: install them when they are missing.
if { [ -z "${CHATSUPPORT_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; } || [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
  echo "chromium: installing Debian's chromium and fonts-noto-cjk for the browser tests"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi
fi

# shellcheck source=postgres.sh
source infra/postgres.sh

log=$(mktemp)
trap 'rm -f "$log"; declare -F chatsupport_stop_postgres >/dev/null && chatsupport_stop_postgres' EXIT
status=0
for project in tests/ChatSupport.UnitTests tests/ChatSupport.IntegrationTests; do
  dotnet test "$project" -c Release --no-build --nologo 2>&1 | tee -a "$log" || status=$?
done

# "Passed!  - Failed:     0, Passed:   749, Skipped:     0, Total:   749" (one line per test project)
summary=$(grep -E '(Passed|Failed)! +- Failed: ' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
echo "tests: ${summary:-0 passed, 0 failed}"
if [ "$(grep -cE '(Passed|Failed)! +- Failed: ' "$log")" -lt 2 ]; then
  echo "a test project did not run" >&2
  exit 1
fi
exit "$status"
