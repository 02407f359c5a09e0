#!/usr/bin/env bash
# Stops or starts one backend of the test bed, or makes it hang, for fault tests:
#   service.sh stop|start|freeze|thaw dockerd|postgres|redis|influxdb
# stop waits until the process is gone; start waits until the service answers. Stopping dockerd leaves its
# containerd and the containers running (--live-restore). freeze sends SIGSTOP: the kernel still accepts
# connections on its port, but nothing answers them; thaw sends SIGCONT and waits until it answers.
set -euo pipefail
# shellcheck source=scripts/testbed/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tb_require_root

usage() { tb_die "usage: service.sh stop|start|freeze|thaw dockerd|postgres|redis|influxdb"; }
[[ $# -eq 2 ]] || usage
action=$1 service=$2
case $service in
  dockerd | postgres | redis | influxdb) ;;
  *) usage ;;
esac
case $action in
  stop | start | freeze | thaw) ;;
  *) usage ;;
esac
[[ -d $TESTBED_ROOT ]] || tb_die "the test bed is not set up; run bash scripts/testbed/up.sh"

# signal_service SIGNAL: to the service's main process (Postgres: the postmaster, whose children keep serving
# open connections; the drills freeze Redis and InfluxDB).
signal_service() {
  local pid
  case $service in
    dockerd) pid=$(tb_dockerd_pid) ;;
    postgres) pid=$(tb_postgres_pid) ;;
    redis) pid=$(tb_redis_pid) ;;
    influxdb) pid=$(tb_influxd_pid) ;;
  esac
  [[ -n ${pid:-} ]] || tb_die "$service is not running"
  kill "-$1" "$pid"
}

case $action-$service in
  freeze-*) signal_service STOP ;;
  thaw-*)
    signal_service CONT
    case $service in
      dockerd) tb_wait_for "dockerd to answer" 30 tb_dockerd_answers ;;
      postgres) tb_wait_for "postgres to answer" 30 tb_postgres_answers ;;
      redis) tb_wait_for "redis to answer" 30 tb_redis_answers ;;
      influxdb) tb_wait_for "influxdb to answer" 30 tb_influx_answers ;;
    esac
    ;;
  stop-dockerd) tb_stop_dockerd ;;
  start-dockerd) tb_start_dockerd ;;
  stop-postgres) tb_stop_postgres ;;
  start-postgres) tb_start_postgres ;;
  stop-redis) tb_stop_redis ;;
  start-redis) tb_start_redis ;;
  stop-influxdb) tb_stop_influxdb ;;
  start-influxdb) tb_start_influxdb ;;
esac
case $action in
  stop) tb_log "$service stopped" ;;
  freeze) tb_log "$service frozen (SIGSTOP)" ;;
  *) tb_log "$service running" ;;
esac
