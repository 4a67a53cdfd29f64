#!/usr/bin/env bash
# The release incident, replayed: beacon's history with the hand-typed tags v1.4.0,
# v1.4.0-final and v1.5, then what gate derives from the commits instead.
# Usage: ./release-demo.sh [path/to/gate]   (default: gate on PATH)
set -euo pipefail
gate=${1:-gate}
case "$gate" in */*) gate=$(cd "$(dirname "$gate")" && pwd)/$(basename "$gate") ;; esac
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=beacon GIT_AUTHOR_EMAIL=beacon@example.invalid
export GIT_COMMITTER_NAME=beacon GIT_COMMITTER_EMAIL=beacon@example.invalid
day=0
commit() {
    day=$((day + 1))
    export GIT_AUTHOR_DATE="2026-10-$(printf %02d "$day")T12:00:00Z" GIT_COMMITTER_DATE="2026-10-$(printf %02d "$day")T12:00:00Z"
    echo "$1" >> "$repo/HISTORY"
    git -C "$repo" add HISTORY
    git -C "$repo" commit -q -m "$1"
}
git init -q -b main "$repo"
git -C "$repo" config remote.origin.url git@github.com:beacon/beacon.git
commit "feat(api): accept push notifications"
git -C "$repo" tag v1.3.0
commit "feat(worker): retry transient delivery errors"
git -C "$repo" tag v1.4.0                      # by hand: right
commit "fix(worker): cap the back-off at 30 seconds"
git -C "$repo" tag v1.4.0-final                # by hand: a prerelease of 1.4.0 to semver
commit "fix(api): reject empty recipients"
git -C "$repo" tag v1.5                        # by hand: not a version at all
commit "perf(worker): reuse the redis connection"
cat > "$repo/gate.toml" <<'TOML'
[release]
tag-format = "v{version}"
TOML
cd "$repo"
echo "\$ git tag"
git tag
echo "\$ gate release next"
"$gate" release next
echo "\$ gate release notes --date 2026-11-28"
"$gate" release notes --date 2026-11-28
echo "\$ gate release lint --message 'Fixed the thing.'"
"$gate" release lint --message 'Fixed the thing.' --color never || echo "(exit $?)"
