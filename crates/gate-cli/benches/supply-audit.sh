#!/usr/bin/env bash
# `gate supply audit` beside `cargo audit` on the same Cargo.lock and the same RustSec data, in one
# run (issue: "not slower than cargo-audit"). Not part of CI: it builds a release binary and
# installs cargo-audit if it is missing.
#
#   crates/gate-cli/benches/supply-audit.sh [Cargo.lock]     (default: this repository's)
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
shared=${SHARED:-$root/../shared}
lock=$(cd "$(dirname "${1:-$root/Cargo.lock}")" && pwd)/$(basename "${1:-$root/Cargo.lock}")
runs=${RUNS:-5}

command -v cargo-audit >/dev/null || cargo install --locked cargo-audit
cargo build --release --quiet -p gate-cli --manifest-path "$root/Cargo.toml"
gate=$root/target/release/gate

# cargo-audit reads its database as a git checkout: give it a committed copy of the snapshot.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$shared/advisory-db/rustsec-native" "$work/db"
(
    cd "$work/db"
    export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1
    git init -q -b main . && git add -A
    git -c user.name=bench -c user.email=bench@example.invalid commit -q -m snapshot
)

python3 - "$runs" "$gate" "$lock" "$work/db" <<'PY'
import subprocess, sys, time
runs, gate, lock, db = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
commands = {
    "gate supply audit": [gate, "supply", "audit", lock, "--db", db, "--max-db-age", "100000", "--format", "json"],
    "cargo audit --no-fetch": ["cargo", "audit", "--no-fetch", "--stale", "--json", "--db", db, "-f", lock],
}
best = {}
for name, argv in commands.items():
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{name} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    best[name] = min(times)
print(f"lock: {lock}")
print(f"{'command':<26} {'best of ' + str(runs):>10}")
for name, seconds in best.items():
    print(f"{name:<26} {seconds:>9.3f}s")
ratio = best["gate supply audit"] / best["cargo audit --no-fetch"]
print(f"gate / cargo-audit: {ratio:.2f}x (target: <= 1.00x)")
PY
