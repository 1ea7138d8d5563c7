#!/usr/bin/env bash
# Runs the server test suites with the machine's clock moved to awkward dates (libfaketime from
# Debian's `faketime` package): a year-end, a Spring Festival week and a Shanghai midnight. No test
# may depend on the real date, so every run must pass. Extra arguments go to vitest (e.g. a folder).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v faketime >/dev/null; then
  echo "faketime is missing: apt-get install -y faketime" >&2
  exit 2
fi
DATES=(
  "2026-12-31 23:59:30"   # year-end, UTC (07:59 on 1 January in Shanghai)
  "2027-02-06 02:00:00"   # Spring Festival week (春节 2027: 6–12 February)
  "2026-12-04 15:59:50"   # a Shanghai midnight
)
# Only the wall clock moves: timers and durations keep the machine's monotonic clock.
export FAKETIME_DONT_FAKE_MONOTONIC=1
for at in "${DATES[@]}"; do
  echo "== tests with the clock at ${at} UTC"
  TZ=UTC faketime -f "@${at}" npx vitest run --project server "$@"
done
