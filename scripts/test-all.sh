#!/usr/bin/env bash
# The one command that runs every test with the services it needs (README: "npm test").
# On a fresh Debian machine, as root: installs what is missing, checks formatting (Prettier) and lint
# (ESLint, zero warnings), brings up the test bed, runs type checks, builds the production build and the container image, runs unit, integration and end-to-end
# tests against both, and tears down the test bed again if this run started it.
set -euo pipefail
cd "$(dirname "$0")/.."

export NEXT_TELEMETRY_DISABLED=1
export TZ=UTC
started_at=$(date +%s)
mkdir -p test-results e2e/artifacts

step() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - started_at ))"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "The test bed installs Debian packages and starts its own dockerd: run this as root." >&2
  exit 1
fi

step "Debian packages"
bash scripts/testbed/install-packages.sh

# The container image takes the longest of all steps and mostly waits on downloads (debootstrap, apt and npm inside
# the build), so it runs in the background: first the root filesystem of its base (no dockerd needed), after the
# test bed is up the build itself, beside typecheck, build, unit and integration tests. No integration test stops or
# pauses dockerd (only e2e does); the image's own tests, the tests that read the whole daemon, and e2e wait for it.
# Each runs in a session of its own (setsid), so that an early exit stops it with all its children (debootstrap).
image_log=test-results/image-build.log
base_pid=''
image_pid=''
stop_background() {
  local pid
  for pid in $base_pid $image_pid; do
    kill -0 "$pid" 2>/dev/null && kill -TERM -- "-$pid" 2>/dev/null
  done
  return 0
}
trap 'code=$?; stop_background; exit "$code"' EXIT
setsid bash scripts/testbed/images/node-base.sh --prepare >"$image_log" 2>&1 &
base_pid=$!

# From here on the run must touch nothing of the host's: fingerprint its identity files and fail on any change.
host_files=(/etc/passwd /etc/group /etc/shadow /etc/gshadow)
host_fingerprint() { sha256sum "${host_files[@]}" 2>/dev/null; }
host_before=$(host_fingerprint)

step "Node dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Before the test bed: a formatting or lint problem fails the run in seconds, not after an hour of tests.
step "Formatting (Prettier)"
npx prettier --check .

step "Lint (ESLint, zero warnings)"
npm run lint

testbed_was_up=no
[ -f /run/mastodash-testbed/testbed.env ] && testbed_was_up=yes
teardown() {
  local code=$?
  stop_background
  if [ "$testbed_was_up" = no ] && [ "${KEEP_TESTBED:-}" != 1 ]; then
    step "Tearing down the test bed"
    # Bounded, and a failure fails the run: a test bed left behind is not "torn down".
    if ! timeout 300 bash scripts/testbed/down.sh; then
      echo "FAILED: the test bed could not be torn down (scripts/testbed/down.sh)" >&2
      code=1
    fi
  fi
  if [ "$(host_fingerprint)" != "$host_before" ]; then
    echo "FAILED: the run changed the host's ${host_files[*]}; the test bed must touch nothing of the host's" >&2
    code=1
  fi
  exit "$code"
}
trap teardown EXIT

step "Test bed"
bash scripts/testbed/up.sh

# The image tests (test/integration/image, e2e/image.spec.ts) run it as deploy/compose.mastodash*.yml say.
step "Container image (in the background, log: $image_log)"
base_status=0
wait "$base_pid" || base_status=$?
if [ "$base_status" -ne 0 ]; then
  cat "$image_log" >&2
  echo "FAILED: the root filesystem of the image's base could not be prepared" >&2
  exit 1
fi
setsid bash scripts/testbed/image.sh >>"$image_log" 2>&1 &
image_pid=$!

step "Type check"
npx tsc --noEmit

step "Production build"
npm run build

step "Unit tests"
vitest_status=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile=test-results/vitest-unit.json ||
  vitest_status=$?

# The integration tests start the production build themselves (test/support/server.ts). Two kinds wait for the
# image: its own tests, and those that read the whole daemon (docker system df), which would count the build's
# layers and containers as they come and go.
after_image=(test/integration/image test/integration/mastodon/storage.test.ts)
step "Integration tests but ${after_image[*]} (beside the image build)"
npx vitest run --project integration --exclude 'test/integration/image/**' \
  --exclude test/integration/mastodon/storage.test.ts --reporter=default --reporter=json \
  --outputFile=test-results/vitest-integration.json || vitest_status=$?

step "Waiting for the container image"
image_status=0
wait "$image_pid" || image_status=$?
cat "$image_log"
if [ "$image_status" -ne 0 ]; then
  echo "FAILED: the container image could not be built (log above)" >&2
  exit 1
fi

step "Integration tests after the image: ${after_image[*]}"
npx vitest run --project integration "${after_image[@]}" --reporter=default --reporter=json \
  --outputFile=test-results/vitest-image.json || vitest_status=$?

# The dashboard reads "the last hour" of InfluxDB relative to now, and the e2e tests compare with the seed's model:
# after an hour of tests the seed is stale, so the test bed reseeds it here when it is older than a few minutes.
step "Test bed check before the end-to-end tests"
TESTBED_INFLUX_SEED_MAX_AGE_MIN=5 bash scripts/testbed/up.sh

step "End-to-end tests (Playwright, Debian chromium)"
e2e_status=0
npx playwright test || e2e_status=$?

step "Summary"
node scripts/test-summary.mjs test-results/vitest-unit.json test-results/vitest-integration.json \
  test-results/vitest-image.json e2e/artifacts/report.json
[ "$vitest_status" -eq 0 ] && [ "$e2e_status" -eq 0 ]
