#!/usr/bin/env bash
# Builds the dashboard's container image from this checkout on the test bed's dockerd, as an admin would with
# `docker build -t mastodash .`, and tags it mastodash:test (or $MASTODASH_TEST_IMAGE, so that two checkouts
# sharing one test bed do not overwrite each other's image) for the image tests (test/integration/image,
# e2e/image.spec.ts). The Dockerfile's base, node:20-bookworm-slim, is built locally first (images/node-base.sh):
# there is no image registry here. Docker's layer cache keeps a rebuild with unchanged dependencies short.
set -euo pipefail
# shellcheck source=scripts/testbed/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tb_require_root

tb_dockerd_answers || tb_die "the test bed's dockerd is not running: bash scripts/testbed/up.sh"
bash "$TESTBED_SCRIPTS/images/node-base.sh"

image=${MASTODASH_TEST_IMAGE:-mastodash:test}
started=$SECONDS
log=$TESTBED_LOGS/image-build-${image//[:/]/-}.log
tb_log "building the dashboard image (log: $log)"
# --network host: the test bed's dockerd has no bridge, and npm ci needs the package registry.
if ! tb_docker build --network host -t "$image" "$TESTBED_REPO" >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  tb_die "docker build failed (log: $log)"
fi
size=$(tb_docker image inspect -f '{{.Size}}' "$image")
tb_log "image $image built in $((SECONDS - started))s, $((size / 1000 / 1000)) MB"
