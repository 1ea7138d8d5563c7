#!/usr/bin/env bash
# `npm test`: the type-check, the lint and the smoke run of the built server side by side (each is
# mostly one process on one core, and none needs another), then the whole vitest run (SQLite, the
# PostgreSQL project and the browser pages). Each checker's output is printed whole once it is done;
# the script fails when any part fails, after all have run. Arguments go to vitest.
set -u
cd "$(dirname "$0")/.."

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

names=(typecheck lint smoke)
pids=()
for name in "${names[@]}"; do
  npm run --silent "$name" >"$logs/$name" 2>&1 &
  pids+=($!)
done

failed=()
for i in "${!names[@]}"; do
  name=${names[$i]}
  if wait "${pids[$i]}"; then
    echo "== $name: ok"
  else
    echo "== $name: FAILED"
    failed+=("$name")
  fi
  cat "$logs/$name"
done

npx vitest run "$@" || failed+=(vitest)

if [ ${#failed[@]} -gt 0 ]; then
  echo "npm test: failed: ${failed[*]}" >&2
  exit 1
fi
