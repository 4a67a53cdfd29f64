#!/usr/bin/env bash
# Installs the released gate binary for this runner, for the gate action (action.yml).
#
# The version is the `version` input (GATE_VERSION), else the action's own ref when it is a
# release tag (vX.Y.Z). The archive for the runner's OS and architecture and the release's
# SHA256SUMS come from the action repository's GitHub release; the archive's SHA-256 must match
# its line in SHA256SUMS, else nothing is installed and the step fails.
#
# Without a version (the action used at a branch, a commit or as `./`), it installs nothing and
# writes `installed=false` to GITHUB_OUTPUT: the action then compiles gate from its own sources.
#
# Environment: GATE_VERSION, GITHUB_ACTION_PATH (`…/_actions/OWNER/REPO/REF` for a remote action),
# GATE_ACTION_REF and GATE_ACTION_REPOSITORY (`github.action_*`, used when the path does not
# say), RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, GITHUB_OUTPUT, GITHUB_PATH,
# GITHUB_SERVER_URL (the download host; tests point it at a local server).
set -euo pipefail

fail() {
    echo "::error::gate: $*" >&2
    exit 1
}

output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        echo "$1" >> "$GITHUB_OUTPUT"
    fi
}

semver='^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'

# The runner checks a remote action out at <runner>/_actions/OWNER/REPO/REF: that path names this
# action even where github.action_ref/action_repository are empty or name an enclosing action
# (composite actions); `./` is checked out elsewhere and has neither.
ref=${GATE_ACTION_REF:-}
repository=${GATE_ACTION_REPOSITORY:-}
action_path=${GITHUB_ACTION_PATH:-}
action_path=${action_path//\\//}
if [[ "$action_path" =~ /_actions/([^/]+)/([^/]+)/([^/]+)/?$ ]]; then
    repository="${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
    ref=${BASH_REMATCH[3]}
fi

version=${GATE_VERSION:-}
version=${version#v}
if [ -n "$version" ]; then
    [[ "$version" =~ $semver ]] || fail "version '$GATE_VERSION' is not a release version (X.Y.Z)"
elif [[ "$ref" =~ ^v[0-9] ]] && [[ "${ref#v}" =~ $semver ]]; then
    version=${ref#v}
else
    echo "gate: the action's ref '${ref:-./}' is not a release tag and no version input pins one:" \
        "gate is compiled from the action's sources"
    output installed=false
    exit 0
fi
[ -n "$repository" ] || fail "the action's repository is unknown: cannot download release $version"
[[ "$repository" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || fail "odd repository '$repository'"

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    # Windows on Arm runs the x86_64 build under emulation.
    Windows/X64 | Windows/ARM64) target=x86_64-pc-windows-msvc ;;
    *) fail "no gate release binary for ${RUNNER_OS:-?} ${RUNNER_ARCH:-?}" ;;
esac
case "$target" in
    *windows*) suffix=.zip exe=.exe ;;
    *) suffix=.tar.gz exe= ;;
esac
name="gate-v$version-$target"
archive="$name$suffix"
base="${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download/v$version"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
download() {
    curl --fail --silent --show-error --location --retry 3 --connect-timeout 20 \
        --output "$work/$1" "$base/$1" || fail "could not download $base/$1"
}
echo "gate: downloading $archive from $repository's release v$version"
download "$archive"
download SHA256SUMS

expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS of release v$version has no line for $archive"
[ "$(printf '%s\n' "$expected" | wc -l)" -eq 1 ] || fail "SHA256SUMS lists $archive twice"
if command -v sha256sum >/dev/null 2>&1; then
    actual=$(sha256sum "$work/$archive" | cut -d' ' -f1)
else
    actual=$(shasum -a 256 "$work/$archive" | cut -d' ' -f1)
fi
expected=$(printf '%s' "$expected" | tr '[:upper:]' '[:lower:]')
if [ "$actual" != "$expected" ]; then
    fail "$archive: SHA-256 $actual, but SHA256SUMS says $expected: not installing it"
fi
echo "gate: $archive matches SHA256SUMS ($actual)"

mkdir "$work/unpacked"
case "$suffix" in
    .zip)
        if command -v unzip >/dev/null 2>&1; then
            unzip -q "$work/$archive" -d "$work/unpacked"
        else
            7z x -bd -o"$work/unpacked" "$work/$archive" >/dev/null
        fi
        ;;
    *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
esac
binary="$work/unpacked/$name/gate$exe"
[ -f "$binary" ] || fail "$archive has no $name/gate$exe"

bin_dir="${RUNNER_TOOL_CACHE:-$HOME/.cache}/gate/$version/$target/bin"
mkdir -p "$bin_dir"
cp "$binary" "$bin_dir/gate$exe"
chmod +x "$bin_dir/gate$exe"
if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$bin_dir" >> "$GITHUB_PATH"
fi
echo "gate: installed $version ($target) in $bin_dir"
output installed=true
output "version=$version"
