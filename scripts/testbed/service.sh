#!/usr/bin/env bash
# Stops or starts one backend of the test bed, for fault tests:
#   service.sh stop|start dockerd|postgres|redis|influxdb
# stop waits until the process is gone; start waits until the service answers. Stopping dockerd leaves its
# containerd and the containers running (--live-restore).
set -euo pipefail
# shellcheck source=scripts/testbed/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tb_require_root

usage() { tb_die "usage: service.sh stop|start dockerd|postgres|redis|influxdb"; }
[[ $# -eq 2 ]] || usage
action=$1 service=$2
case $service in
  dockerd | postgres | redis | influxdb) ;;
  *) usage ;;
esac
case $action in
  stop | start) ;;
  *) usage ;;
esac
[[ -d $TESTBED_ROOT ]] || tb_die "the test bed is not set up; run bash scripts/testbed/up.sh"

case $action-$service in
  stop-dockerd) tb_stop_dockerd ;;
  start-dockerd) tb_start_dockerd ;;
  stop-postgres) tb_stop_postgres ;;
  start-postgres) tb_start_postgres ;;
  stop-redis) tb_stop_redis ;;
  start-redis) tb_start_redis ;;
  stop-influxdb) tb_stop_influxdb ;;
  start-influxdb) tb_start_influxdb ;;
esac
if [[ $action == stop ]]; then tb_log "$service stopped"; else tb_log "$service running"; fi
