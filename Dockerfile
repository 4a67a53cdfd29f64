# syntax=docker/dockerfile:1
# gate's container image: the static (musl) gate binary on Alpine, with git for the release gate.
#
#   docker build -t gate .                              # the default: Alpine, gate and git
#   docker build --target minimal -t gate:minimal .     # gate alone on scratch: no git, no shell
#   docker run --rm -v "$PWD:/src" -w /src gate check   # gate check on the current directory
#
# The entrypoint is gate (the command defaults to `check`). GitLab CI runs its job script with
# a shell, so a job using the image resets the entrypoint:
#
#   image:
#     name: ghcr.io/OWNER/gate:X.Y.Z
#     entrypoint: [""]
#
# The `minimal` variant has no git, so the release gate (which reads the history) cannot run in
# it; the other gates can. Files gate writes into the mounted directory belong to root unless
# the container runs with `--user "$(id -u):$(id -g)"`.
#
# By default the binary is compiled in the `build` stage. The release workflow instead passes
# `--build-arg BINARY=prebuilt` with the release's musl binaries in dist/amd64/gate and
# dist/arm64/gate, so both architectures get the binaries the release ships, with no compiling
# under emulation.

ARG BINARY=build

FROM rust:1.88-alpine AS build
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# Rust's musl targets link statically: the binary runs on scratch.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo build --release --locked -p gate-cli \
    && install -D -m 0755 target/release/gate /out/gate

FROM scratch AS prebuilt
ARG TARGETARCH
COPY dist/${TARGETARCH}/gate /out/gate

FROM ${BINARY} AS binary

# gate alone: `docker build --target minimal`. No git (no release gate), no shell.
FROM scratch AS minimal
COPY --from=binary /out/gate /usr/local/bin/gate
ENTRYPOINT ["/usr/local/bin/gate"]
CMD ["check"]

# The default image (the last stage): gate and git on Alpine.
FROM alpine:3.22
# git is what the release gate reads the history with; the checkout mounted at /src belongs to
# another user than the container's, which git refuses unless the directory is declared safe.
# hadolint ignore=DL3018
RUN apk add --no-cache git \
    && git config --system --add safe.directory '*'
COPY --from=binary /out/gate /usr/local/bin/gate
ENTRYPOINT ["/usr/local/bin/gate"]
CMD ["check"]
