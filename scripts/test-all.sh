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

step "Type check"
npx tsc --noEmit

step "Production build"
npm run build

# The image tests (test/integration/image, e2e/image.spec.ts) run it as deploy/compose.mastodash*.yml say.
step "Container image"
bash scripts/testbed/image.sh

# The integration tests start the production build themselves (test/support/server.ts).
step "Unit and integration tests"
vitest_status=0
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json || vitest_status=$?

step "End-to-end tests (Playwright, Debian chromium)"
e2e_status=0
npx playwright test || e2e_status=$?

step "Summary"
node scripts/test-summary.mjs test-results/vitest.json e2e/artifacts/report.json
[ "$vitest_status" -eq 0 ] && [ "$e2e_status" -eq 0 ]
