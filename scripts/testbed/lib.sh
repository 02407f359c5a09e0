# shellcheck shell=bash
# Shared settings and helpers of the test bed scripts (see README.md, the contract). Sourced, never run.
# shellcheck disable=SC2034  # the settings are used by the scripts that source this file

TESTBED_ROOT=/var/lib/mastodash-testbed
TESTBED_RUN=/run/mastodash-testbed
TESTBED_LOGS=$TESTBED_ROOT/logs
TESTBED_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTBED_REPO=$(cd "$TESTBED_SCRIPTS/../.." && pwd)

TB_DOCKER_SOCK=$TESTBED_RUN/docker.sock
TB_DOCKER_HOST=unix://$TB_DOCKER_SOCK
TB_DOCKERD_PIDFILE=$TESTBED_RUN/dockerd.pid
TB_DOCKER_EXEC_ROOT=$TESTBED_RUN/docker
TB_CONTAINERD_STATE=$TESTBED_RUN/containerd
TB_CONTAINERD_SOCK=$TB_CONTAINERD_STATE/containerd.sock
TB_CONTAINERD_PIDFILE=$TESTBED_RUN/containerd.pid

TB_PG_BIN=/usr/lib/postgresql/15/bin
TB_PG_DATA=$TESTBED_ROOT/postgres
TB_PG_PORT=55432
TB_PG_PIDFILE=$TESTBED_RUN/postgres.pid
TB_DB_USER=mastodon
TB_DB_PASS=testbed-db-pass

TB_REDIS_PORT=56379
TB_REDIS_PASS=testbed-redis-pass
TB_REDIS_PIDFILE=$TESTBED_RUN/redis.pid

TB_INFLUX_PORT=58086
TB_INFLUX_RPC_PORT=58088
TB_INFLUX_URL=http://127.0.0.1:$TB_INFLUX_PORT
TB_INFLUX_PIDFILE=$TESTBED_RUN/influxd.pid
TB_INFLUX_CONF=$TESTBED_ROOT/influxdb/influxdb.conf
TB_INFLUX_ADMIN_USER='admin'
TB_INFLUX_ADMIN_PASS=testbed-influx-admin
TB_INFLUX_READER_USER=dashboard
TB_INFLUX_READER_PASS=testbed-influx-pass
# up.sh reseeds InfluxDB when its seed is older than this (tests read "the last hour").
TB_INFLUX_SEED_MAX_AGE_MS=$((${TESTBED_INFLUX_SEED_MAX_AGE_MIN:-40} * 60 * 1000))

TB_COMPOSE_VERSION=2.29.7
TB_PROJECT=mdtest
TB_PROJECT_VERSION=4.3.17
TB_OTHER_PROJECT=mdother
TB_OTHER_PROJECT_VERSION=4.4.4
# Deployment shapes besides the stand-in default (README.md, "Deployment shapes"): web and streaming on the host network
# with PORT/BIND of their own; on a user-defined bridge publishing no ports (pinned subnets, clear of the host's); and a
# project whose name starts with TB_PROJECT's.
TB_HOST_ENV_PROJECT=mdhostenv
TB_BRIDGE_PROJECT=mdbridge
TB_BRIDGE_EXTERNAL_SUBNET=172.29.10.0/24
TB_BRIDGE_INTERNAL_SUBNET=172.29.11.0/24
TB_STAGING_PROJECT=mdtest-staging
TB_SHAPES_VERSION=4.3.17
# Every Mastodon version a test may start a project with; each gets an image tag.
TB_MASTODON_VERSIONS="4.0.2 4.1.6 4.1.9 4.2.0 4.2.8 4.3.17 4.4.4 4.5.0"

tb_log() { printf '[testbed %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
tb_warn() { printf '[testbed %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
tb_die() {
  printf '[testbed %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2
  exit 1
}

tb_require_root() {
  [[ $(id -u) -eq 0 ]] || tb_die "run as root (the test bed starts its own dockerd, Postgres, Redis and InfluxDB)"
}

# DOCKER_CONTEXT would override DOCKER_HOST; the test bed only ever talks to its own daemon.
tb_docker() { env -u DOCKER_CONTEXT DOCKER_HOST="$TB_DOCKER_HOST" docker "$@"; }

# tb_wait_for WHAT TIMEOUT_SECONDS COMMAND...: polls COMMAND until it succeeds; dies naming WHAT on timeout.
tb_wait_for() {
  local what=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      tb_die "timed out after ${timeout}s waiting for $what"
    fi
    sleep 0.2
  done
}

# tb_pid_alive PID MARKER: true when PID runs and its command line contains MARKER (guards against pid reuse,
# so that we never signal a process that is not ours).
tb_pid_alive() {
  local pid=$1 marker=$2 cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$marker"* ]]
}

# tb_pidfile_pid PIDFILE MARKER: prints the pid recorded in PIDFILE when that process is alive and ours.
tb_pidfile_pid() {
  local file=$1 marker=$2 pid
  [[ -r $file ]] || return 1
  pid=$(head -n1 "$file" 2>/dev/null | tr -d '[:space:]')
  tb_pid_alive "$pid" "$marker" || return 1
  printf '%s\n' "$pid"
}

# tb_stop_pid WHAT PID MARKER [TIMEOUT]: SIGTERM, wait, then SIGKILL.
tb_stop_pid() {
  local what=$1 pid=$2 marker=$3 timeout=${4:-30}
  tb_pid_alive "$pid" "$marker" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while tb_pid_alive "$pid" "$marker"; do
    if ((SECONDS >= deadline)); then
      tb_warn "$what (pid $pid) ignored SIGTERM for ${timeout}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
  done
}

tb_port_in_use() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# ---------------------------------------------------------------------------------------------------------------
# containerd + dockerd. dockerd gets its own containerd (not the host's /run/containerd), so that stopping the
# test bed's dockerd leaves the containers running, as with the live-restore of a systemd docker.service.

tb_containerd_pid() { tb_pidfile_pid "$TB_CONTAINERD_PIDFILE" "$TESTBED_ROOT/containerd.toml"; }
tb_dockerd_pid() { tb_pidfile_pid "$TB_DOCKERD_PIDFILE" "$TB_DOCKER_SOCK"; }
tb_containerd_answers() { [[ -S $TB_CONTAINERD_SOCK ]] && ctr --address "$TB_CONTAINERD_SOCK" version >/dev/null 2>&1; }
tb_dockerd_answers() { curl -sf --max-time 2 --unix-socket "$TB_DOCKER_SOCK" http://docker/_ping >/dev/null 2>&1; }

tb_start_containerd() {
  if tb_containerd_pid >/dev/null && tb_containerd_answers; then return 0; fi
  if ! tb_containerd_pid >/dev/null; then
    mkdir -p "$TESTBED_ROOT/containerd" "$TB_CONTAINERD_STATE" "$TESTBED_LOGS"
    cat >"$TESTBED_ROOT/containerd.toml" <<EOF
version = 2
root = "$TESTBED_ROOT/containerd"
state = "$TB_CONTAINERD_STATE"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$TB_CONTAINERD_SOCK"

[ttrpc]
  address = "$TB_CONTAINERD_SOCK.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$TESTBED_ROOT/containerd/opt"
EOF
    tb_log "starting containerd (socket $TB_CONTAINERD_SOCK)"
    setsid containerd --config "$TESTBED_ROOT/containerd.toml" </dev/null >>"$TESTBED_LOGS/containerd.log" 2>&1 &
    echo $! >"$TB_CONTAINERD_PIDFILE"
  fi
  tb_wait_for "containerd to answer on $TB_CONTAINERD_SOCK (log: $TESTBED_LOGS/containerd.log)" 60 tb_containerd_answers
}

tb_start_dockerd() {
  tb_start_containerd
  if tb_dockerd_pid >/dev/null && tb_dockerd_answers; then return 0; fi
  local launched=''
  if ! tb_dockerd_pid >/dev/null; then
    launched=1
    mkdir -p "$TESTBED_ROOT/docker" "$TB_DOCKER_EXEC_ROOT" "$TESTBED_LOGS"
    # An empty config file keeps a host /etc/docker/daemon.json from applying to this daemon.
    [[ -f $TESTBED_ROOT/daemon.json ]] || echo '{}' >"$TESTBED_ROOT/daemon.json"
    tb_log "starting dockerd (socket $TB_DOCKER_SOCK)"
    # --ip-forward/--ip-masq=false: leave the host's sysctls and NAT alone.
    setsid dockerd \
      --config-file "$TESTBED_ROOT/daemon.json" \
      --data-root "$TESTBED_ROOT/docker" \
      --exec-root "$TB_DOCKER_EXEC_ROOT" \
      --pidfile "$TB_DOCKERD_PIDFILE" \
      -H "$TB_DOCKER_HOST" \
      --containerd "$TB_CONTAINERD_SOCK" \
      --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
      --live-restore \
      --log-opt max-size=5m \
      </dev/null >>"$TESTBED_LOGS/dockerd.log" 2>&1 &
  fi
  tb_wait_for "dockerd to answer on $TB_DOCKER_SOCK (log: $TESTBED_LOGS/dockerd.log)" 90 tb_dockerd_answers
  if [[ -n $launched ]]; then tb_resume_health_checks; fi
}

# dockerd 20.10 (Debian 12's docker.io) does not resume the health checks of live-restored containers
# (moby/moby#41871, fixed in 23.0 by moby/moby#41935); a pause/unpause restarts a container's health monitor without
# touching its processes.
tb_resume_health_checks() {
  local id
  for id in $(tb_docker ps -q --filter health=healthy --filter health=unhealthy --filter health=starting 2>/dev/null); do
    if ! timeout 60 env -u DOCKER_CONTEXT DOCKER_HOST="$TB_DOCKER_HOST" docker pause "$id" >/dev/null; then
      tb_warn "could not pause container $id to restart its health monitor"
    fi
    if [[ $(tb_docker inspect -f '{{.State.Paused}}' "$id" 2>/dev/null) == true ]]; then
      timeout 60 env -u DOCKER_CONTEXT DOCKER_HOST="$TB_DOCKER_HOST" docker unpause "$id" >/dev/null ||
        tb_warn "could not unpause container $id"
    fi
  done
}

tb_stop_dockerd() {
  local pid
  if pid=$(tb_dockerd_pid); then
    tb_log "stopping dockerd (pid $pid)"
    tb_stop_pid dockerd "$pid" "$TB_DOCKER_SOCK" 60
  fi
  rm -f "$TB_DOCKERD_PIDFILE"
}

tb_stop_containerd() {
  local pid
  if pid=$(tb_containerd_pid); then
    tb_log "stopping containerd (pid $pid)"
    tb_stop_pid containerd "$pid" "$TESTBED_ROOT/containerd.toml" 30
  fi
  rm -f "$TB_CONTAINERD_PIDFILE"
}

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL 15: TCP on 127.0.0.1 only with scram passwords; the unix socket in $TESTBED_RUN is the superuser's
# way in (trust, but the socket is mode 0700, so only root and the postgres OS user can use it).

tb_pg_ctl() { runuser -u postgres -- "$TB_PG_BIN/pg_ctl" -D "$TB_PG_DATA" "$@"; }
tb_postgres_pid() { tb_pidfile_pid "$TB_PG_PIDFILE" "$TB_PG_DATA"; }
tb_postgres_answers() {
  "$TB_PG_BIN/pg_isready" -q -h "$TESTBED_RUN" -p "$TB_PG_PORT" && "$TB_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$TB_PG_PORT"
}

tb_init_postgres() {
  [[ -f $TB_PG_DATA/PG_VERSION ]] && return 0
  tb_log "initdb of the PostgreSQL 15 cluster in $TB_PG_DATA"
  rm -rf "$TB_PG_DATA"
  install -d -o postgres -g postgres -m 0700 "$TB_PG_DATA"
  runuser -u postgres -- "$TB_PG_BIN/initdb" -D "$TB_PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >>"$TESTBED_LOGS/postgres-initdb.log" 2>&1 ||
    tb_die "initdb failed (log: $TESTBED_LOGS/postgres-initdb.log)"
  cat >>"$TB_PG_DATA/postgresql.conf" <<EOF

# mastodash test bed
listen_addresses = '127.0.0.1'
port = $TB_PG_PORT
unix_socket_directories = '$TESTBED_RUN'
unix_socket_permissions = 0700
external_pid_file = '$TB_PG_PIDFILE'
password_encryption = scram-sha-256
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
  cat >"$TB_PG_DATA/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  scram-sha-256
EOF
  chown postgres:postgres "$TB_PG_DATA/postgresql.conf" "$TB_PG_DATA/pg_hba.conf"
}

tb_start_postgres() {
  if tb_postgres_pid >/dev/null && tb_postgres_answers; then return 0; fi
  tb_init_postgres
  if ! tb_postgres_pid >/dev/null; then
    if tb_port_in_use "$TB_PG_PORT"; then tb_die "port $TB_PG_PORT is taken by a process that is not the test bed's Postgres"; fi
    # postgres writes its socket, lock and external pid file into $TESTBED_RUN.
    chown root:postgres "$TESTBED_RUN"
    chmod 1775 "$TESTBED_RUN"
    touch "$TESTBED_LOGS/postgres.log"
    chown postgres:postgres "$TESTBED_LOGS/postgres.log"
    tb_log "starting PostgreSQL 15 on 127.0.0.1:$TB_PG_PORT"
    tb_pg_ctl -l "$TESTBED_LOGS/postgres.log" -w -t 60 start >/dev/null ||
      tb_die "PostgreSQL did not start (log: $TESTBED_LOGS/postgres.log)"
  fi
  tb_wait_for "PostgreSQL to accept connections on $TESTBED_RUN and 127.0.0.1:$TB_PG_PORT" 60 tb_postgres_answers
}

tb_stop_postgres() {
  local pid
  if pid=$(tb_postgres_pid) || pid=$(tb_pidfile_pid "$TB_PG_DATA/postmaster.pid" "$TB_PG_DATA"); then
    tb_log "stopping PostgreSQL (pid $pid)"
    tb_pg_ctl -m fast -w -t 60 stop >/dev/null 2>&1 || tb_stop_pid postgres "$pid" "$TB_PG_DATA" 30
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# Redis: no persistence (save "" and no AOF), own dir.

tb_redis_cli() { redis-cli -h 127.0.0.1 -p "$TB_REDIS_PORT" --no-auth-warning -a "$TB_REDIS_PASS" "$@"; }
tb_redis_pid() { tb_pidfile_pid "$TB_REDIS_PIDFILE" ":$TB_REDIS_PORT"; }
tb_redis_answers() { [[ $(tb_redis_cli ping 2>/dev/null) == PONG ]]; }

tb_start_redis() {
  if tb_redis_pid >/dev/null && tb_redis_answers; then return 0; fi
  if ! tb_redis_pid >/dev/null; then
    if tb_port_in_use "$TB_REDIS_PORT"; then tb_die "port $TB_REDIS_PORT is taken by a process that is not the test bed's Redis"; fi
    mkdir -p "$TESTBED_ROOT/redis" "$TESTBED_LOGS"
    cat >"$TESTBED_ROOT/redis/redis.conf" <<EOF
bind 127.0.0.1
protected-mode yes
port $TB_REDIS_PORT
requirepass $TB_REDIS_PASS
daemonize yes
pidfile $TB_REDIS_PIDFILE
logfile $TESTBED_LOGS/redis.log
dir $TESTBED_ROOT/redis
save ""
appendonly no
databases 16
EOF
    tb_log "starting Redis on 127.0.0.1:$TB_REDIS_PORT"
    redis-server "$TESTBED_ROOT/redis/redis.conf" </dev/null >>"$TESTBED_LOGS/redis.log" 2>&1 ||
      tb_die "redis-server did not start (log: $TESTBED_LOGS/redis.log)"
  fi
  tb_wait_for "Redis to answer PING on 127.0.0.1:$TB_REDIS_PORT (log: $TESTBED_LOGS/redis.log)" 30 tb_redis_answers
}

tb_stop_redis() {
  local pid
  if pid=$(tb_redis_pid); then
    tb_log "stopping Redis (pid $pid)"
    tb_stop_pid redis "$pid" ":$TB_REDIS_PORT" 30
  fi
  rm -f "$TB_REDIS_PIDFILE"
}

# ---------------------------------------------------------------------------------------------------------------
# InfluxDB 1.6 with auth enabled. The admin is created through the "first user may be created without auth" rule.

tb_influxd_pid() { tb_pidfile_pid "$TB_INFLUX_PIDFILE" "$TB_INFLUX_CONF"; }
tb_influx_answers() { curl -sf --max-time 2 -o /dev/null "$TB_INFLUX_URL/ping"; }

# tb_influx_query QUERY [USER PASS]: POSTs an InfluxQL statement; prints the JSON answer, fails on HTTP errors or a
# statement error.
tb_influx_query() {
  local q=$1 out
  local -a auth=()
  if [[ $# -ge 3 ]]; then auth=(-u "$2:$3"); fi
  out=$(curl -sS --fail-with-body --max-time 10 "${auth[@]}" -XPOST "$TB_INFLUX_URL/query" --data-urlencode "q=$q") || {
    printf '%s\n' "$out" >&2
    return 1
  }
  if [[ $out == *'"error"'* ]]; then
    printf '%s\n' "$out" >&2
    return 1
  fi
  printf '%s\n' "$out"
}

tb_write_influx_conf() {
  local d=$TESTBED_ROOT/influxdb
  mkdir -p "$d/meta" "$d/data" "$d/wal" "$TESTBED_LOGS"
  cat >"$TB_INFLUX_CONF" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:$TB_INFLUX_RPC_PORT"

[meta]
  dir = "$d/meta"

[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  query-log-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:$TB_INFLUX_PORT"
  auth-enabled = true
  log-enabled = false
  pprof-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  log-enabled = false

[subscriber]
  enabled = false
EOF
}

tb_start_influxdb() {
  if tb_influxd_pid >/dev/null && tb_influx_answers; then return 0; fi
  if ! tb_influxd_pid >/dev/null; then
    for port in "$TB_INFLUX_PORT" "$TB_INFLUX_RPC_PORT"; do
      if tb_port_in_use "$port"; then tb_die "port $port is taken by a process that is not the test bed's influxd"; fi
    done
    tb_write_influx_conf
    tb_log "starting InfluxDB on 127.0.0.1:$TB_INFLUX_PORT"
    setsid influxd run -config "$TB_INFLUX_CONF" -pidfile "$TB_INFLUX_PIDFILE" \
      </dev/null >>"$TESTBED_LOGS/influxd.log" 2>&1 &
  fi
  tb_wait_for "InfluxDB to answer /ping on 127.0.0.1:$TB_INFLUX_PORT (log: $TESTBED_LOGS/influxd.log)" 60 tb_influx_answers
}

tb_stop_influxdb() {
  local pid
  if pid=$(tb_influxd_pid); then
    tb_log "stopping InfluxDB (pid $pid)"
    tb_stop_pid influxd "$pid" "$TB_INFLUX_CONF" 30
  fi
  rm -f "$TB_INFLUX_PIDFILE"
}

tb_influx_users() {
  local admin=("$TB_INFLUX_ADMIN_USER" "$TB_INFLUX_ADMIN_PASS")
  if ! tb_influx_query 'SHOW USERS' "${admin[@]}" >/dev/null 2>&1; then
    tb_log "creating the InfluxDB admin user '$TB_INFLUX_ADMIN_USER'"
    tb_influx_query "CREATE USER \"$TB_INFLUX_ADMIN_USER\" WITH PASSWORD '$TB_INFLUX_ADMIN_PASS' WITH ALL PRIVILEGES" >/dev/null ||
      tb_die "could not create the InfluxDB admin (is there an older admin with another password? run down.sh)"
  fi
  local users
  users=$(tb_influx_query 'SHOW USERS' "${admin[@]}")
  if [[ $users != *"\"$TB_INFLUX_READER_USER\""* ]]; then
    tb_log "creating the InfluxDB reader '$TB_INFLUX_READER_USER'"
    tb_influx_query "CREATE USER \"$TB_INFLUX_READER_USER\" WITH PASSWORD '$TB_INFLUX_READER_PASS'" "${admin[@]}" >/dev/null
  fi
  tb_influx_query 'CREATE DATABASE "telegraf"' "${admin[@]}" >/dev/null
  tb_influx_query "GRANT READ ON \"telegraf\" TO \"$TB_INFLUX_READER_USER\"" "${admin[@]}" >/dev/null
}

# tb_run_alone "$@": re-runs the calling script under the test bed's lock, so that concurrent runs (parallel
# test sessions) cannot race to start daemons or reseed. flock -o holds the lock in flock itself, so the
# daemons the script starts do not inherit it (and keep it after the script ends).
tb_run_alone() {
  if [[ -z ${TESTBED_LOCK_HELD:-} ]]; then
    exec env TESTBED_LOCK_HELD=1 flock -o /run/lock/mastodash-testbed.lock bash "$0" "$@"
  fi
}
