#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite and benchmarks/bench_sql.py.
#
#   eval "$(.ci/postgres.sh start)"   # installs PostgreSQL if needed, starts a server on
#                                     # 127.0.0.1 and prints the exports to eval
#   .ci/postgres.sh stop              # stops it and deletes its folder (idempotent)
#
# `start` prints `export DUEPROCESS_TEST_POSTGRES_URL=postgresql+psycopg://...` and
# `export DUEPROCESS_PG_DIR=...`; `stop` finds the server through DUEPROCESS_PG_DIR. Or
# source this file and call postgres_start / postgres_stop, which export the same names.
#
# Why it looks like this: the server is private to one CI run. It lives in a temporary
# folder (data directory, socket, log), listens on loopback only, on a free port, with a
# random password; fsync is off because the data is thrown away. As root (CI), Debian's
# `postgresql` package is installed when missing and the server runs as the `postgres`
# user, since PostgreSQL refuses to run as root. As any other user it runs as that user.
# All progress goes to stderr, so stdout carries only the exports.

postgres_log() { echo "postgres.sh: $*" >&2; }

postgres_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

postgres_install() {
  if postgres_bindir > /dev/null; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    postgres_log "PostgreSQL is not installed and we are not root: apt-get install postgresql"
    return 1
  fi
  postgres_log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  postgres_bindir > /dev/null
}

# Run a PostgreSQL program as the account that owns the cluster.
postgres_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

postgres_start() {
  # Any failure after the folder exists stops what was started and removes the folder,
  # so a failed start leaves nothing behind for the caller's `stop` to miss.
  postgres_install || return 1
  local bin dir port password
  bin="$(postgres_bindir)" || return 1
  dir="$(mktemp -d "${TMPDIR:-/tmp}/dueprocess-pg.XXXXXX")" || return 1
  export DUEPROCESS_PG_DIR="$dir"
  if ! postgres_start_in "$bin" "$dir"; then
    postgres_stop
    return 1
  fi
}

postgres_start_in() {
  local bin="$1" dir="$2" port password
  mkdir -p "$dir/socket" || return 1
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')" || return 1
  printf '%s\n' "$password" > "$dir/password" || return 1
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$dir" || return 1
  fi
  chmod 700 "$dir" || return 1
  port="$(postgres_free_port)" || return 1
  postgres_log "initdb in $dir ($("$bin/postgres" --version))"
  postgres_as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres \
    --pwfile="$dir/password" --auth=scram-sha-256 --encoding=UTF8 --locale=C \
    --no-sync > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  postgres_as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait \
    --options="-h 127.0.0.1 -p $port -k $dir/socket -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
    start > /dev/null || { cat "$dir/server.log" >&2; return 1; }
  PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres dueprocess_test \
    || return 1
  export DUEPROCESS_TEST_POSTGRES_URL="postgresql+psycopg://postgres:$password@127.0.0.1:$port/dueprocess_test"
  postgres_log "PostgreSQL is up on 127.0.0.1:$port (database dueprocess_test)"
}

postgres_stop() {
  local dir="${DUEPROCESS_PG_DIR:-}"
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    return 0
  fi
  local bin
  bin="$(postgres_bindir)" || true
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    postgres_as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop > /dev/null \
      || postgres_log "pg_ctl stop failed; see $dir/server.log"
  fi
  rm -rf "$dir"
  unset DUEPROCESS_PG_DIR DUEPROCESS_TEST_POSTGRES_URL
  postgres_log "PostgreSQL stopped"
}

# Executed rather than sourced: dispatch on the subcommand.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start)
      postgres_start
      printf 'export DUEPROCESS_PG_DIR=%q\n' "$DUEPROCESS_PG_DIR"
      printf 'export DUEPROCESS_TEST_POSTGRES_URL=%q\n' "$DUEPROCESS_TEST_POSTGRES_URL"
      ;;
    stop)
      postgres_stop
      ;;
    *)
      echo "usage: $0 start|stop" >&2
      exit 2
      ;;
  esac
fi
