#!/usr/bin/env bash
# The web host under load on PostgreSQL, beside pgbench on the equivalent transaction, in one session:
#   bash tests/ChatSupport.Benchmarks/load.sh [seconds per run, default 15]
# Starts a throwaway PostgreSQL (infra/postgres.sh) and the Release build of ChatSupport.Web on 127.0.0.1:5090.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
dotnet build ChatSupport.sln -c Release --nologo -v quiet
unset ConnectionStrings__ChatSupport
source infra/postgres.sh
server="$ConnectionStrings__ChatSupport"
pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$server")
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_ -d postgres -c "CREATE DATABASE chatsupport_load"
export ConnectionStrings__ChatSupport="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=chatsupport_load;Maximum Pool Size=8"
export Database__Provider=postgres
export Residents__PseudonymKey="load-test-pseudonymisation-key-0123456789abcdef"
export ChatSupport__AnonymousMessagesPerMinute=0   # the load generator is one client of the open /api/messages
export Logging__LogLevel__Default=Warning

(cd src/ChatSupport.Web && exec dotnet bin/Release/net10.0/ChatSupport.Web.dll --urls http://127.0.0.1:5090) > /tmp/chatsupport-load-host.log 2>&1 &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; chatsupport_stop_postgres' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:5090/readyz >/dev/null && break; sleep 0.5; done
# The load tool is a short-lived process: without dynamic PGO its code is at full speed after its own warm-up
# (--warmup, 5 s by default, not counted). The host keeps the runtime's defaults, as in production.
load() { DOTNET_TieredPGO=0 dotnet tests/ChatSupport.Benchmarks/bin/Release/net10.0/ChatSupport.Benchmarks.dll load --url http://127.0.0.1:5090 --seconds "$seconds" "$@"; }
echo "== warming the host up (30 s of conversations, not counted): its tiered JIT needs that long on 2 busy cores"
load --concurrency 8 --seconds 30 --warmup 0 >/dev/null

echo "== pgbench: the equivalent transaction (read state, update state, insert answer), ${seconds}s each"
psql_ -d chatsupport_load -c "INSERT INTO state_documents (key, json, version, updated_at) SELECT 'bench/' || g, repeat('x', 350), 1, now() FROM generate_series(1, 10000) g"
psql_ -d chatsupport_load -c "CREATE SEQUENCE bench_responses"
cat > /tmp/chatsupport-turn.sql <<'SQL'
\set c random(1, 10000)
BEGIN;
SELECT json, version FROM state_documents WHERE key = 'bench/' || :c;
UPDATE state_documents SET json = json, version = version + 1, updated_at = now() WHERE key = 'bench/' || :c;
INSERT INTO answers (response_id, resident_id, question_id, answered_at, skipped, value_number) VALUES ('bench-' || nextval('bench_responses'), 'r' || :c, 'age', now(), false, 70);
COMMIT;
SQL
for c in 1 8 32; do
  printf 'pgbench -c %-2s ' "$c"
  pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$c" -j "$(( c < 2 ? 1 : 2 ))" -T "$seconds" -f /tmp/chatsupport-turn.sql chatsupport_load 2>&1 \
    | grep -E '^(tps|latency average|number of failed)' | tr '\n' ' ' || true; echo
done

echo "== ChatSupport: complete self-check conversations through POST /api/messages, ${seconds}s each"
for c in 1 8 32; do load --concurrency "$c" | tee -a /tmp/chatsupport-load.txt; done
max=$(grep -oE 'turns_per_s=[0-9.]+' /tmp/chatsupport-load.txt | cut -d= -f2 | sort -g | tail -1)
half=$(awk -v m="$max" 'BEGIN { printf "%.0f", m / 2 }')
echo "== at half of the maximum rate ($half turns/s)"
load --rate "$half" --concurrency 64
rm -f /tmp/chatsupport-load.txt
