#!/usr/bin/env bash
# LINE webhooks under load: the Release host on PostgreSQL, signed events at rising rates, replies caught by a
# loopback stand-in for the Messaging API, and the commits per event counted by PostgreSQL.
#   bash tests/ChatSupport.Benchmarks/line-load.sh [seconds per rate, default 10] [rates, default 25,50,100,150,200]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
rates=${2:-25,50,100,150,200}
dotnet build ChatSupport.sln -c Release --nologo -v quiet
unset ConnectionStrings__ChatSupport
source infra/postgres.sh
pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$ConnectionStrings__ChatSupport")
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_ -d postgres -c "CREATE DATABASE chatsupport_line"
secret="line-load-channel-secret-0123456789"
export ConnectionStrings__ChatSupport="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=chatsupport_line;Maximum Pool Size=8"
export Database__Provider=postgres
export Residents__PseudonymKey="load-test-pseudonymisation-key-0123456789abcdef"
export Logging__LogLevel__Default=Warning
export Tenants__bench__Line__ChannelSecret="$secret"
export Tenants__bench__Line__ChannelAccessToken="line-load-access-token"
export Tenants__bench__Line__ApiBaseUrl="http://127.0.0.1:5091"

(cd src/ChatSupport.Web && exec dotnet bin/Release/net10.0/ChatSupport.Web.dll --urls http://127.0.0.1:5090) > /tmp/chatsupport-line-load-host.log 2>&1 &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; chatsupport_stop_postgres' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:5090/readyz >/dev/null && break; sleep 0.5; done

# Transactions that wrote (each takes a transaction id; read-only ones, like the processor's polling, take none).
commits() { psql_ -d postgres -c "SELECT txid_current()"; }
events() { psql_ -d chatsupport_line -c "SELECT count(*) FROM line_inbox"; }
# The host's own background writes (Hangfire's recurring-job locks and heartbeats, the sender's sweeps) over as long
# as the run will take, with no events: subtracted below, so that the figure is the LINE path's own.
n_rates=$(tr ',' '\n' <<<"$rates" | grep -c .)
idle_seconds=$((seconds * n_rates + 2))
i0=$(commits); sleep "$idle_seconds"; i1=$(commits)
idle=$((i1 - i0 - 1))
c0=$(commits); e0=$(events)
DOTNET_TieredPGO=0 dotnet tests/ChatSupport.Benchmarks/bin/Release/net10.0/ChatSupport.Benchmarks.dll line-load \
  --url http://127.0.0.1:5090 --mock-port 5091 --tenant bench --secret "$secret" --rates "$rates" --seconds "$seconds"
sleep 2
c1=$(commits); e1=$(events)
awk -v c=$((c1 - c0 - 1)) -v e=$((e1 - e0)) -v i="$idle" -v s="$idle_seconds" 'BEGIN {
  printf "writing commits per event: %.2f (%d commits, %d events; webhook inserts, turns, delivered-message clean-up)\n", c / e, c, e
  printf "  less the host'"'"'s idle background (%d commits in %d s with no events): %.3f per event\n", i, s, (c - i) / e }'
