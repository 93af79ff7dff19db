#!/usr/bin/env bash
# The logferry container image (packaging/container), with podman:
#
#   scripts/image.sh build <static-binary> <tag>
#       Build the image from a static logferry binary (e.g. a musl build for
#       aarch64, what the ECS worker runs on ARM64 Fargate). The image's
#       architecture is the binary's (readelf), not the build host's.
#   scripts/image.sh run [podman run options] <tag> [logferry arguments]
#       podman run with what the ECS task definition sets: read-only root
#       file system, the image's non-root user, no capabilities, no new
#       privileges. Everything else is passed through, e.g.
#       scripts/image.sh run --rm --network host -e LOGFERRY_QUEUE_URL=... <tag>
#
# Both run podman with CONTAINERS_CONF=packaging/container/containers.conf
# (runtime runc, ulimits nofile 20000 and nproc 1000). Push with podman push.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
context_dir="$repo/packaging/container"
ca_bundle="${LOGFERRY_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

if ! command -v podman >/dev/null 2>&1; then
  echo "image.sh: podman not found; install it with: apt-get install podman runc" >&2
  exit 1
fi
export CONTAINERS_CONF="$context_dir/containers.conf"

# The image architecture of an ELF binary, from its e_machine.
image_arch() {
  local machine
  machine="$(LC_ALL=C readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p')"
  case "$machine" in
    AArch64) echo arm64 ;;
    *X86-64*) echo amd64 ;;
    *) echo "image.sh: $1 is not an x86-64 or aarch64 ELF binary (readelf: ${machine:-nothing})" >&2; return 1 ;;
  esac
}

build() {
  [[ $# -eq 2 ]] || usage
  local binary="$1" tag="$2" arch
  [[ -f "$binary" && -x "$binary" ]] || { echo "image.sh: $binary is not an executable file" >&2; exit 1; }
  command -v readelf >/dev/null 2>&1 || { echo "image.sh: readelf not found; install it with: apt-get install binutils" >&2; exit 1; }
  # A scratch image has no dynamic loader or libc: refuse what needs one.
  if LC_ALL=C readelf -l "$binary" 2>/dev/null | grep -q 'INTERP'; then
    echo "image.sh: $binary is dynamically linked; build it static (e.g. --target aarch64-unknown-linux-musl)" >&2
    exit 1
  fi
  [[ -f "$ca_bundle" ]] || { echo "image.sh: no CA bundle at $ca_bundle; install it with: apt-get install ca-certificates (or set LOGFERRY_CA_BUNDLE)" >&2; exit 1; }
  arch="$(image_arch "$binary")"

  # The build context is exactly the two files the Containerfile copies.
  context="$(mktemp -d)" # global: the EXIT trap runs after build() returns
  trap 'rm -rf "$context"' EXIT
  cp "$binary" "$context/logferry"
  cp "$ca_bundle" "$context/ca-certificates.crt"
  podman build --arch "$arch" --os linux --file "$context_dir/Containerfile" --tag "$tag" "$context"
}

run() {
  [[ $# -ge 1 ]] || usage
  exec podman run --read-only --cap-drop=all --security-opt=no-new-privileges "$@"
}

command="${1:-}"
[[ $# -gt 0 ]] && shift
case "$command" in
  build) build "$@" ;;
  run) run "$@" ;;
  *) usage ;;
esac
