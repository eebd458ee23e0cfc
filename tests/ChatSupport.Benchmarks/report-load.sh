#!/usr/bin/env bash
# Daily figures at scale (issue 7): one day of 100,000 residents and about 1,000,000 answers on a throwaway PostgreSQL,
# aggregated by the job's code against the equivalent hand-written GROUP BY in psql (report-groupby.sql), then the
# reports API of the Release host over 90 days × 60 areas.
#   bash tests/ChatSupport.Benchmarks/report-load.sh [residents, default 100000] [requests per case, default 300]
set -euo pipefail
cd "$(dirname "$0")/../.."
residents=${1:-100000}
requests=${2:-300}
dotnet build ChatSupport.sln -c Release --nologo -v quiet
unset ConnectionStrings__ChatSupport
source infra/postgres.sh
pg_port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$ConnectionStrings__ChatSupport")
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qAt -c "CREATE DATABASE chatsupport_reports"
db="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=chatsupport_reports"
key="report-load-official-key-0123456789"

export ConnectionStrings__ChatSupport="$db"
export Database__Provider=postgres
export Residents__PseudonymKey="load-test-pseudonymisation-key-0123456789abcdef"
export Logging__LogLevel__Default=Warning ChatSupport__Role=web
export Access__Keys__0__Name=bench Access__Keys__0__Role=official Access__Keys__0__Sha256=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
export Tenants__bench__TimeZoneId="Asia/Tokyo"
(cd src/ChatSupport.Web && exec dotnet bin/Release/net10.0/ChatSupport.Web.dll --urls http://127.0.0.1:5096 --Questionnaires:Path "$PWD/../../dialogs") > /tmp/chatsupport-report-load-host.log 2>&1 &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; chatsupport_stop_postgres' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:5096/readyz >/dev/null && break; sleep 0.5; done

export PGPASSWORD=""
dotnet tests/ChatSupport.Benchmarks/bin/Release/net10.0/ChatSupport.Benchmarks.dll report-load --db "$db" --url http://127.0.0.1:5096 \
  --key "$key" --residents "$residents" --requests "$requests" --groupby-script tests/ChatSupport.Benchmarks/report-groupby.sql
