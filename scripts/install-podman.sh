#!/usr/bin/env bash
# podman and runc, which build and run the container image (packaging/container):
# from Debian's packages when they are missing and this is a root shell with
# apt-get, otherwise one line naming how to install them.
set -euo pipefail
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (apt-get; log: /tmp/logferry-podman-install.log)" >&2
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends podman runc; } \
    >/tmp/logferry-podman-install.log 2>&1 \
    || { echo "installing ${missing[*]} failed; see /tmp/logferry-podman-install.log, or install them with: apt-get install podman runc" >&2; exit 1; }
  exit 0
fi
echo "${missing[*]} not found; install with: sudo apt-get install podman runc (Debian/Ubuntu)" >&2
exit 1
