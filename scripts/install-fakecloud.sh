#!/usr/bin/env bash
# Install the pinned fakecloud into a cache outside the repo, once per version.
# A debug build (about 14 minutes on 2 cores) is plenty for tests.
set -euo pipefail
version="${FAKECLOUD_VERSION:-0.51.0}"
cache="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
root="$cache/fakecloud-$version"
bin="$root/bin/fakecloud"
if [ -x "$bin" ]; then
  echo "fakecloud $version: $bin"
  exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/fakecloud-$version.lock"
flock 9
if [ ! -x "$bin" ]; then
  echo "building fakecloud $version into $root (debug build, ~15 minutes on 2 cores; log: $cache/fakecloud-install.log)"
  CARGO_PROFILE_DEV_DEBUG=0 CARGO_TARGET_DIR="$cache/fakecloud-build" \
    cargo install fakecloud --version "$version" --debug --locked --root "$root" >"$cache/fakecloud-install.log" 2>&1 \
    || { tail -20 "$cache/fakecloud-install.log"; echo "fakecloud install failed; see $cache/fakecloud-install.log"; exit 1; }
  rm -rf "$cache/fakecloud-build"
fi
echo "fakecloud $version: $bin"
