#!/usr/bin/env bash
# Brings the test bed up (README.md is the contract). Idempotent: starts only what is not running, rebuilds only
# changed images, recreates only changed containers, so a second run is fast.
set -euo pipefail
# shellcheck source=scripts/testbed/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tb_require_root
tb_run_alone "$@"
started=$SECONDS

bash "$TESTBED_SCRIPTS/install-packages.sh"
command -v node >/dev/null || tb_die "node is needed for the seeders (scripts/testbed/seed/*.mjs); install Node.js >= 20"

mkdir -p "$TESTBED_ROOT" "$TESTBED_LOGS" "$TESTBED_RUN"

# --- Backends ----------------------------------------------------------------------------------------------------
tb_start_dockerd
tb_start_postgres
tb_start_redis
tb_start_influxdb
tb_influx_users
tb_log "backends up: dockerd, PostgreSQL :$TB_PG_PORT, Redis :$TB_REDIS_PORT, InfluxDB :$TB_INFLUX_PORT"

# --- Seed data ---------------------------------------------------------------------------------------------------
# Postgres and InfluxDB are seeded once per test bed (a stamp records it): reseeding drops the databases under
# tests that may be running, and InfluxDB's ~1M points take about 20 s. TESTBED_RESEED=1 forces a fresh seed.
# Redis is cheap and tests change its keys, so it is reseeded every time.
seed_stamp=$TESTBED_ROOT/seeded
[[ ${TESTBED_RESEED:-} == 1 ]] && rm -f "$seed_stamp"
seed_env=(REDIS_URL="redis://:$TB_REDIS_PASS@127.0.0.1:$TB_REDIS_PORT/0" INFLUX_URL="$TB_INFLUX_URL"
  INFLUX_ADMIN_USER="$TB_INFLUX_ADMIN_USER" INFLUX_ADMIN_PASS="$TB_INFLUX_ADMIN_PASS"
  PROJECTS="$TB_PROJECT $TB_OTHER_PROJECT $TB_STAGING_PROJECT")
run_seeder() { # NAME LOG COMMAND...: fails the whole run, with the seeder's log, when a seeder fails
  local name=$1 log=$2
  shift 2
  (cd "$TESTBED_REPO" && env "${seed_env[@]}" "$@") >"$log" 2>&1 || {
    cat "$log" >&2
    tb_die "$name failed"
  }
}
tb_log "seeding Redis"
run_seeder seed/redis.mjs "$TESTBED_LOGS/seed-redis.log" node "$TESTBED_SCRIPTS/seed/redis.mjs"
influx_pid=''
if [[ ! -f $seed_stamp ]]; then
  tb_log "seeding PostgreSQL"
  run_seeder seed/postgres.sh "$TESTBED_LOGS/seed-postgres.log" \
    env PGHOST="$TESTBED_RUN" PGPORT="$TB_PG_PORT" PGUSER=postgres bash "$TESTBED_SCRIPTS/seed/postgres.sh"
  # InfluxDB's seeder runs in the background while images and projects come up.
  tb_log "seeding InfluxDB (in the background)"
  run_seeder seed/influx.mjs "$TESTBED_LOGS/seed-influx.log" node "$TESTBED_SCRIPTS/seed/influx.mjs" &
  influx_pid=$!
else
  tb_log "PostgreSQL and InfluxDB already seeded ($(cat "$seed_stamp")); TESTBED_RESEED=1 reseeds"
  # The dashboard reads "the last hour" relative to now, so an InfluxDB seed older than that is reseeded
  # (only InfluxDB: its anchor is the seed time). A missing seed summary (a reboot cleared /run) counts as old.
  anchor_ms=$(node -e 'try { process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).anchorMs)) } catch { process.stdout.write("0") }' \
    "$TESTBED_RUN/influx-seed.json")
  if (($(date +%s%3N) - anchor_ms > TB_INFLUX_SEED_MAX_AGE_MS)); then
    tb_log "the InfluxDB seed is older than $((TB_INFLUX_SEED_MAX_AGE_MS / 60000)) min: reseeding InfluxDB (in the background)"
    run_seeder seed/influx.mjs "$TESTBED_LOGS/seed-influx.log" node "$TESTBED_SCRIPTS/seed/influx.mjs" &
    influx_pid=$!
  fi
fi

# --- Images and projects -----------------------------------------------------------------------------------------
bash "$TESTBED_SCRIPTS/images/build.sh"
bash "$TESTBED_SCRIPTS/project.sh" up "$TB_PROJECT" --version "$TB_PROJECT_VERSION"
bash "$TESTBED_SCRIPTS/project.sh" up "$TB_OTHER_PROJECT" --version "$TB_OTHER_PROJECT_VERSION"
bash "$TESTBED_SCRIPTS/project.sh" up "$TB_HOST_ENV_PROJECT" --version "$TB_SHAPES_VERSION" --shape host-env
bash "$TESTBED_SCRIPTS/project.sh" up "$TB_BRIDGE_PROJECT" --version "$TB_SHAPES_VERSION" --shape bridge
bash "$TESTBED_SCRIPTS/project.sh" up "$TB_STAGING_PROJECT" --version "$TB_SHAPES_VERSION"
for project in "$TB_PROJECT" "$TB_OTHER_PROJECT" "$TB_HOST_ENV_PROJECT" "$TB_BRIDGE_PROJECT" "$TB_STAGING_PROJECT"; do
  bash "$TESTBED_SCRIPTS/project.sh" wait-healthy "$project"
done

if [[ -n $influx_pid ]]; then
  influx_seed_done() { ! kill -0 "$influx_pid" 2>/dev/null; }
  tb_wait_for "the InfluxDB seeder (log: $TESTBED_LOGS/seed-influx.log)" 300 influx_seed_done
  wait "$influx_pid" || tb_die "seed/influx.mjs failed (log: $TESTBED_LOGS/seed-influx.log)"
  tb_log "InfluxDB seeded: $(tail -n1 "$TESTBED_LOGS/seed-influx.log")"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$seed_stamp"
fi

# --- testbed.env -------------------------------------------------------------------------------------------------
web_port=$(cat "$TESTBED_ROOT/projects/$TB_PROJECT/web.port")
pg_base="postgres://$TB_DB_USER:$TB_DB_PASS@127.0.0.1:$TB_PG_PORT"
tmp=$(mktemp "$TESTBED_RUN/testbed.env.XXXXXX")
cat >"$tmp" <<EOF
TESTBED_DOCKER_HOST=$TB_DOCKER_HOST
TESTBED_PG_URL_43=$pg_base/mastodon_43
TESTBED_PG_URL_44=$pg_base/mastodon_44
TESTBED_REDIS_URL=redis://:$TB_REDIS_PASS@127.0.0.1:$TB_REDIS_PORT/0
TESTBED_INFLUX_URL=$TB_INFLUX_URL
TESTBED_INFLUX_READER=$TB_INFLUX_READER_USER:$TB_INFLUX_READER_PASS
TESTBED_INFLUX_ADMIN=$TB_INFLUX_ADMIN_USER:$TB_INFLUX_ADMIN_PASS
TESTBED_PROJECT=$TB_PROJECT
TESTBED_OTHER_PROJECT=$TB_OTHER_PROJECT
TESTBED_MASTODON_DIR=$TESTBED_ROOT/projects/$TB_PROJECT
TESTBED_WEB_PORT=$web_port
TESTBED_HOST_ENV_PROJECT=$TB_HOST_ENV_PROJECT
TESTBED_BRIDGE_PROJECT=$TB_BRIDGE_PROJECT
TESTBED_STAGING_PROJECT=$TB_STAGING_PROJECT
EOF
chmod 0644 "$tmp"
mv -f "$tmp" "$TESTBED_RUN/testbed.env"
tb_log "test bed up in $((SECONDS - started))s; settings in $TESTBED_RUN/testbed.env"
