#!/bin/sh
# The test bed's real Postgres image: Debian's PostgreSQL 15 binaries, started the way the official postgres image
# starts them (its documented interface, not its script): an empty PGDATA is initialised as POSTGRES_USER (default
# postgres) with POSTGRES_DB, local connections trusted, TCP with POSTGRES_HOST_AUTH_METHOD (default scram-sha-256,
# which then needs POSTGRES_PASSWORD); then the server runs as the postgres user, in the foreground, as PID 1's child.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
# util-linux setpriv by path: busybox sh would run its own applet of that name, which cannot change uids.
POSTGRES_UID=$(id -u postgres)
as_postgres() { /usr/bin/setpriv --reuid="$POSTGRES_UID" --regid="$POSTGRES_UID" --clear-groups "$@"; }
if [ "${1:-}" = postgres ]; then
  user=${POSTGRES_USER:-postgres}
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 0700 "$PGDATA"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
    if [ "$method" != trust ] && [ -z "${POSTGRES_PASSWORD:-}" ]; then
      echo 'Error: set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust' >&2
      exit 1
    fi
    pwfile=''
    if [ -n "${POSTGRES_PASSWORD:-}" ]; then
      pwfile=/tmp/pgpass.$$
      printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
      chown postgres "$pwfile"
    fi
    as_postgres initdb -D "$PGDATA" -U "$user" ${pwfile:+--pwfile="$pwfile"} --auth-local=trust \
      --auth-host="$method" --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    echo "host all all all $method" >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    # The image carries no llvmjit.so (all of LLVM): say so rather than let each query look for it.
    echo 'jit = off' >>"$PGDATA/postgresql.conf"
    db=${POSTGRES_DB:-$user}
    if [ "$db" != postgres ]; then
      as_postgres postgres --single -D "$PGDATA" -c listen_addresses='' postgres <<SQL >/dev/null
CREATE DATABASE "$db" OWNER "$user";
SQL
    fi
  fi
  shift
  exec /usr/bin/setpriv --reuid="$POSTGRES_UID" --regid="$POSTGRES_UID" --clear-groups postgres -D "$PGDATA" "$@"
fi
exec "$@"
