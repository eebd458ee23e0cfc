#!/usr/bin/env bash
# Source this file to get a throwaway PostgreSQL for tests when ConnectionStrings__ChatSupport is not set:
# initdb and pg_ctl as the `postgres` OS user (the server refuses to run as root), a free port on 127.0.0.1,
# a temporary directory, and a trap that stops the server and removes everything when the shell exits.
# The PostgreSQL server package is installed with apt-get if it is missing. Database__Provider=postgres goes with it
# (the provider is configured, never guessed from the connection string).

if [ -n "${ConnectionStrings__ChatSupport:-}" ]; then
  echo "postgres: using the configured ConnectionStrings__ChatSupport"
  export Database__Provider="${Database__Provider:-postgres}"
  return 0 2>/dev/null || exit 0
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "postgres: installing the PostgreSQL server package"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_dir=$(mktemp -d /tmp/chatsupport-pg.XXXXXX)
chatsupport_stop_postgres() {
  [ -f "$pg_dir/data/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_dir"
}
# Set before anything can fail, so a failed initdb or start leaves nothing behind.
trap chatsupport_stop_postgres EXIT
chmod 755 "$pg_dir"
[ "$(id -u)" = 0 ] && chown postgres: "$pg_dir"
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || true)
if [ -z "$pg_port" ]; then
  # No python3: pick a port that nothing listens on.
  for _ in $(seq 50); do
    pg_port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null || break
  done
fi

as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
  || { cat "$pg_dir/initdb.log"; return 1 2>/dev/null || exit 1; }
# Sized for this 2-core machine and for tests: fsync off (a throwaway cluster), few connections.
as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
  || { cat "$pg_dir/server.log"; return 1 2>/dev/null || exit 1; }

export ConnectionStrings__ChatSupport="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Maximum Pool Size=20"
export Database__Provider=postgres
echo "postgres: throwaway server on 127.0.0.1:$pg_port ($pg_dir)"
