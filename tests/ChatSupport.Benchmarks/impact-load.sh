#!/usr/bin/env bash
# The impact report at scale (issue 14): N completed responses (default 100,000) on a throwaway PostgreSQL, replayed
# under the published and a candidate version by the report's own code; the limit is 10 s.
#   bash tests/ChatSupport.Benchmarks/impact-load.sh [responses, default 100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
responses=${1:-100000}
dotnet build tests/ChatSupport.Benchmarks -c Release --nologo -v quiet
unset ConnectionStrings__ChatSupport
source infra/postgres.sh
pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$ConnectionStrings__ChatSupport")
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qAt -c "CREATE DATABASE chatsupport_impact"
dotnet tests/ChatSupport.Benchmarks/bin/Release/net10.0/ChatSupport.Benchmarks.dll impact-load \
  --db "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=chatsupport_impact" --responses "$responses"
