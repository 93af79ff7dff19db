#!/usr/bin/env bash
# A static logferry binary (musl), what the container image is built from:
#
#   scripts/static-binary.sh [target] [--release]
#
# target: x86_64-unknown-linux-musl (default) or aarch64-unknown-linux-musl
# (ARM64 Fargate).
# Prints the binary's path on its last line.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-x86_64-unknown-linux-musl}"
profile="debug"
args=()
if [[ "${2:-}" == "--release" ]]; then
  profile="release"
  args+=(--release)
fi
case "$target" in
  x86_64-unknown-linux-musl | aarch64-unknown-linux-musl) ;;
  *) echo "static-binary.sh: $target is not a musl target; give x86_64-unknown-linux-musl or aarch64-unknown-linux-musl" >&2; exit 2 ;;
esac
if command -v rustup >/dev/null 2>&1; then
  rustup target list --installed | grep -qx "$target" || rustup target add "$target" >&2
else
  echo "static-binary.sh: rustup not found; install the $target standard library with your toolchain's tools" >&2
fi
cd "$repo"
# aws-lc-sys compiles C for the target, so both architectures link with
# cargo lambda's zig (scripts/install-tools.sh), which brings a musl C
# toolchain; cargo alone would need a musl gcc for each target. cargo lambda
# leaves the binary in target/lambda/logferry/bootstrap; it is kept per
# target and profile, so the two architectures do not overwrite each other.
tools="$(scripts/install-tools.sh | tail -1)"
PATH="$tools:$PATH" cargo lambda build --quiet -p logferry-cli --bin logferry --target "$target" "${args[@]}" >&2
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
out="$target_dir/static/$target/$profile"
mkdir -p "$out"
cp "$target_dir/lambda/logferry/bootstrap" "$out/logferry"
echo "$out/logferry"
