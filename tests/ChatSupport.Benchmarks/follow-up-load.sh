#!/usr/bin/env bash
# Daily follow-ups at scale: the Release host as a worker on a throwaway PostgreSQL, N residents due today, the day
# planned and dispatched to a loopback LINE stand-in that enforces a multicast rate limit.
#   bash tests/ChatSupport.Benchmarks/follow-up-load.sh [residents, default 1000000] [multicasts per second, default 40]
set -euo pipefail
cd "$(dirname "$0")/../.."
residents=${1:-1000000}
rate=${2:-40}
dotnet build ChatSupport.sln -c Release --nologo -v quiet
unset ConnectionStrings__ChatSupport
source infra/postgres.sh
pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$ConnectionStrings__ChatSupport")
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qAt -c "CREATE DATABASE chatsupport_followups"
db="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=chatsupport_followups"
key="follow-up-load-admin-key-0123456789"
# The tenant's time zone is one where it is about noon now, so the day's sending window is open whatever the hour here.
offset=$((12 - 10#$(date -u +%H)))
if [ "$offset" -eq 0 ]; then zone="Etc/UTC"; elif [ "$offset" -gt 0 ]; then zone="Etc/GMT-$offset"; else zone="Etc/GMT+$((-offset))"; fi

export ConnectionStrings__ChatSupport="$db;Maximum Pool Size=30"
export Database__Provider=postgres
export Residents__PseudonymKey="load-test-pseudonymisation-key-0123456789abcdef"
export Logging__LogLevel__Default=Warning
export Access__Keys__0__Name=bench Access__Keys__0__Role=admin Access__Keys__0__Sha256=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
export Tenants__bench__Line__ChannelSecret="follow-up-load-secret" Tenants__bench__Line__ChannelAccessToken="follow-up-load-token"
export Tenants__bench__Line__ApiBaseUrl="http://127.0.0.1:5095" Tenants__bench__TimeZoneId="$zone"
export Tenants__bench__FollowUps__SendingWindow="00:00:00"
export Line__RateLimits__multicast="$rate" Jobs__WorkerCount=20 Jobs__SchedulePollingInterval="00:00:01"

(cd src/ChatSupport.Web && exec dotnet bin/Release/net10.0/ChatSupport.Web.dll --urls http://127.0.0.1:5094) > /tmp/chatsupport-follow-up-load-host.log 2>&1 &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; chatsupport_stop_postgres' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:5094/readyz >/dev/null && break; sleep 0.5; done

dotnet tests/ChatSupport.Benchmarks/bin/Release/net10.0/ChatSupport.Benchmarks.dll follow-up-load --db "$db" --url http://127.0.0.1:5094 \
  --key "$key" --mock-port 5095 --tenant bench --zone "$zone" --residents "$residents" --rate "$rate" --pid "$host_pid"
