#!/usr/bin/env bash
# Replays conftest's acceptance tests (acceptance.bats and tests/*/test.bats) with `gate policy`
# in conftest's place and prints the pass rate.
#
#   run.sh CONFTEST_CHECKOUT [GATE_BINARY]
#
# CONFTEST_CHECKOUT is a clone of github.com/open-policy-agent/conftest (the tests run inside it,
# acceptance.bats calls ./conftest there); GATE_BINARY defaults to `gate` on PATH. bats must be
# on PATH. Cases listed in excluded.txt are not counted. Per-case results go to
# $RESULTS (default: ./conftest-acceptance.tap).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "${1:?usage: run.sh CONFTEST_CHECKOUT [GATE_BINARY]}" && pwd)"
gate="${2:-$(command -v gate)}"
gate="$(cd "$(dirname "$gate")" && pwd)/$(basename "$gate")"
results="${RESULTS:-$PWD/conftest-acceptance.tap}"
export GATE_BIN="$gate"
export CONFTEST="$here/conftest"
# acceptance.bats runs ./conftest from the checkout's root.
cp "$here/conftest" "$src/conftest"
chmod +x "$src/conftest"

excluded_dirs=$(sed -n 's/^dir://p' "$here/excluded.txt")
excluded_names=$(grep -v '^#' "$here/excluded.txt" | grep -v '^dir:' | grep -v '^$')

: >"$results"
run_suite() { # directory, bats file, label
  (cd "$1" && bats --tap "$2" 2>/dev/null) | sed "s|^\(\(not \)\?ok [0-9]*\) |\1 [$3] |" >>"$results"
}
run_suite "$src" acceptance.bats acceptance
for dir in "$src"/tests/*/; do
  name="$(basename "$dir")"
  if printf '%s\n' "$excluded_dirs" | grep -qx "$name"; then
    continue
  fi
  run_suite "$dir" test.bats "$name"
done

passed=0
failed=0
skipped=0
failures=""
while IFS= read -r line; do
  case "$line" in
    "ok "* | "not ok "*) ;;
    *) continue ;;
  esac
  case_name="$(printf '%s' "$line" | sed 's/^\(not \)\?ok [0-9]* \[[^]]*\] //; s/ # skip.*//')"
  if printf '%s\n' "$excluded_names" | grep -qxF "$case_name"; then
    skipped=$((skipped + 1))
  elif [ "${line#not ok}" != "$line" ]; then
    failed=$((failed + 1))
    failures="$failures$line
"
  else
    passed=$((passed + 1))
  fi
done <"$results"
total=$((passed + failed))
printf '%s' "$failures"
printf 'passed %d of %d (%d.%d%%), %d excluded (network or registry)\n' \
  "$passed" "$total" $((passed * 100 / total)) $((passed * 1000 / total % 10)) "$skipped"
