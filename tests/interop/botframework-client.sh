#!/usr/bin/env bash
# Interop with a real Bot Framework client (not run by CI: it needs Node.js and the npm registry):
#   bash tests/interop/botframework-client.sh
# Installs botbuilder from npm into a temporary folder, starts ChatSupport on a temporary SQLite database on
# 127.0.0.1:5092 with no app id (as the Bot Framework Emulator expects), and runs botframework-client.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/chatsupport-interop.XXXXXX)
trap 'kill ${host_pid:-0} 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
npm install --prefix "$work" --no-audit --no-fund --silent botbuilder@4.23.3 botframework-connector@4.23.3
dotnet build src/ChatSupport.Web -c Release --nologo -v quiet
# The loopback Connector of botframework-client.mjs listens on this port; with no app id, replies go only to allowed addresses.
export CONNECTOR_PORT=${CONNECTOR_PORT:-5093}
(cd src/ChatSupport.Web && Database__Provider=sqlite ConnectionStrings__ChatSupport="Data Source=$work/chatsupport.db" Logging__LogLevel__Default=Warning \
  BotFramework__AllowedServiceUrls__0="http://127.0.0.1:$CONNECTOR_PORT" \
  exec dotnet bin/Release/net10.0/ChatSupport.Web.dll --urls http://127.0.0.1:5092) > "$work/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 60); do curl -sf http://127.0.0.1:5092/readyz >/dev/null && break; sleep 0.5; done
curl -sf http://127.0.0.1:5092/readyz >/dev/null || { cat "$work/host.log"; exit 1; }
BOTBUILDER_DIR="$work/node_modules" node tests/interop/botframework-client.mjs
