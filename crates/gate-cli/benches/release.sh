#!/usr/bin/env bash
# Release gate benchmark (DESIGN §5; not run in CI).
#
#   crates/gate-cli/benches/release.sh            # 25,000 commits, 10,000 tags
#   COMMITS=5000 TAGS=2000 crates/gate-cli/benches/release.sh
#
# Builds a history with ../shared/bench/gen_history.py, then times, in one run and side by side:
# a bare `git log` over the same history, gate's own one-pass `git log`, `gate release next`,
# `gate release changelog --full --dry-run` (release build), and git-cliff (installed from PyPI
# into a virtualenv under target/ when pip can get it; skipped with a message otherwise).
# Targets: gate ≤ 2 s, and ≤ 3× the bare `git log`. The computed next version must equal what
# gen_history.py printed. Each gate/git figure is the best of RUNS runs (default 3); git-cliff
# runs once per figure, stopped after CLIFF_TIMEOUT seconds (default 120); SKIP_CLIFF=1 skips it.
set -euo pipefail

root="$(cd "$(dirname "$0")/../../.." && pwd)"
commits="${COMMITS:-25000}"
tags="${TAGS:-10000}"
runs="${RUNS:-3}"
work="$root/target/bench-release"
repo="$work/repo-$commits-$tags"
generator="$root/../shared/bench/gen_history.py"

echo "--- building gate (release)"
cargo build --release --quiet -p gate-cli --manifest-path "$root/Cargo.toml"
gate="$root/target/release/gate"

mkdir -p "$work"
if [ ! -f "$repo/generated.txt" ]; then
    echo "--- generating $commits commits, up to $tags tags"
    rm -rf "$repo"
    python3 "$generator" "$repo" --commits "$commits" --tags "$tags" > "$work/generated.tmp"
    mv "$work/generated.tmp" "$repo/generated.txt"
    # Keep the generator's report out of `git status` (gate never needs a clean tree to plan).
    echo "generated.txt" >> "$repo/.git/info/exclude"
fi
cat "$repo/generated.txt"
expected="$(awk '$1 == "next" {print $2}' "$repo/generated.txt")"

# Best wall-clock seconds of RUNS runs of a command (output discarded); "> LIMIT" when a run
# takes longer than LIMIT seconds.
timed() {
    python3 - "$@" <<'PY'
import subprocess, sys, time
runs, limit, command = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
best = None
for _ in range(runs):
    start = time.perf_counter()
    try:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=limit)
    except subprocess.TimeoutExpired:
        print(f"> {limit:.0f}")
        sys.exit(0)
    except subprocess.CalledProcessError as error:
        print(f"failed (exit {error.returncode})")
        sys.exit(0)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
print(f"{best:.3f}")
PY
}
best_of() {
    timed "$runs" 600 "$@"
}

cd "$repo"
echo "--- timing (best of $runs)"
bare="$(best_of git log)"
gate_log="$(best_of git log -z --decorate-refs=refs/tags/ '--format=%H%x1f%P%x1f%D%x1f%ct%x1f%B' HEAD)"
next="$(best_of "$gate" release next --branch main)"
full="$(best_of "$gate" release changelog --full --dry-run --branch main --date 2026-11-28)"
both="$(python3 -c "print(f'{$next + $full:.3f}')")"

computed="$("$gate" release next --branch main)"
if [ "$expected" = "none" ]; then expected="no release"; fi
if [ "$computed" = "$expected" ]; then
    version_check="ok ($computed)"
else
    version_check="MISMATCH: gate says $computed, gen_history.py says $expected"
fi
sections="$("$gate" release changelog --full --dry-run --branch main --date 2026-11-28 2>/dev/null | grep -c '^## ')"

cliff_next="skipped"
cliff_full="skipped"
venv="$root/target/bench-venv"
if [ -z "${SKIP_CLIFF:-}" ] && [ ! -x "$venv/bin/git-cliff" ]; then
    if python3 -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/pip" install --quiet git-cliff >/dev/null 2>&1; then
        :
    else
        echo "git-cliff: could not be installed with pip; skipping it"
    fi
fi
if [ -n "${SKIP_CLIFF:-}" ]; then
    echo "git-cliff: skipped (SKIP_CLIFF is set)"
elif [ -x "$venv/bin/git-cliff" ]; then
    (cd "$work" && [ -f cliff.toml ] || "$venv/bin/git-cliff" --init >/dev/null 2>&1)
    cliff=("$venv/bin/git-cliff" --config "$work/cliff.toml" --repository "$repo")
    limit="${CLIFF_TIMEOUT:-120}"
    # One run each: git-cliff is the slow one.
    cliff_next="$(timed 1 "$limit" "${cliff[@]}" --bumped-version)"
    # A file, not /dev/null: a tool that writes by renaming would replace the device.
    cliff_full="$(timed 1 "$limit" "${cliff[@]}" --output "$work/cliff-CHANGELOG.md")"
    cliff_version="$("$venv/bin/git-cliff" --version 2>/dev/null || true)"
fi

# `changelog --full` plans the next release (its section is on top) and renders every past one
# in one process: that single run is the "next version + full changelog" the targets are about.
ratio="$(python3 -c "print(f'{$full / $bare:.2f}')")"
sum_ratio="$(python3 -c "print(f'{$both / $bare:.2f}')")"
echo
printf '%-52s %10s\n' "what" "seconds"
printf '%-52s %10s\n' "bare git log" "$bare"
printf '%-52s %10s\n' "gate's one-pass git log (the input it reads)" "$gate_log"
printf '%-52s %10s\n' "gate release next" "$next"
printf '%-52s %10s\n' "gate release changelog --full --dry-run" "$full"
printf '%-52s %10s\n' "gate: next and changelog --full, run separately" "$both"
printf '%-52s %10s\n' "git-cliff --bumped-version ${cliff_version:-}" "$cliff_next"
printf '%-52s %10s\n' "git-cliff (full changelog) ${cliff_version:-}" "$cliff_full"
echo
echo "history: $commits commits, $(git tag | wc -l) tags; full changelog: $sections sections"
echo "next version: $version_check"
echo "target ≤ 2 s: $(python3 -c "print('met' if $full <= 2 else 'MISSED')") ($full s for next + full changelog in one run; $both s for the two commands run separately)"
echo "target ≤ 3× bare git log: $(python3 -c "print('met' if $full <= 3 * $bare else 'MISSED')") (${ratio}× in one run; ${sum_ratio}× for the two commands together, each reading the history)"
