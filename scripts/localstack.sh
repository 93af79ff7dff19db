#!/usr/bin/env bash
# LocalStack on loopback without Docker, for running the suite against it:
#
#   scripts/localstack.sh start
#       Install it if needed (scripts/install-localstack.sh), start it in the
#       background on a free port ($LOCALSTACK_PORT to choose one) with its
#       files in a fresh temp dir, wait until its services report available
#       (60 s, $LOCALSTACK_START_TIMEOUT), and print
#       AWS_ENDPOINT_URL=http://127.0.0.1:PORT as the LAST line of stdout
#       (everything else goes to stderr). It stops by itself when process
#       $LOCALSTACK_PARENT_PID exits; by default that is whoever ran this
#       script (a subshell, as in $(...), counts as the shell it forked
#       from); 0 means only `stop` ends it.
#   scripts/localstack.sh stop
#       Stop it and everything it started (its process group) and remove
#       its temp dir. Safe to run when nothing is running.
#
#   export "$(LOCALSTACK_PARENT_PID=$$ scripts/localstack.sh start | tail -n1)"
#   LOGFERRY_TEST_ENDPOINT=$AWS_ENDPOINT_URL ...; scripts/localstack.sh stop
#
# Services: s3,sqs,sts,iam,kms,sns,events,lambda,logs,cloudwatch
# ($LOCALSTACK_SERVICES). Lambda functions (zip packages of provided.*
# runtimes, built for this machine) run as local processes, without Docker
# (scripts/localstack_process_lambda.py). Address S3
# path-style (http://127.0.0.1:PORT/bucket/key). The pid, port, temp dir and
# log live in $LOCALSTACK_STATE_DIR (default ${TMPDIR:-/tmp}/logferry-localstack),
# one instance per state dir. Other LocalStack settings (DEBUG=1, LS_LOG=trace)
# pass through from the environment.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${LOCALSTACK_STATE_DIR:-${TMPDIR:-/tmp}/logferry-localstack}"
log="$state/localstack.log"
services="${LOCALSTACK_SERVICES:-s3,sqs,sts,iam,kms,sns,events,lambda,logs,cloudwatch}"
timeout="${LOCALSTACK_START_TIMEOUT:-60}"
# argv[0] of the watchdog shell: how `stop` recognises its process group.
marker=logferry-localstack-watchdog

usage() {
  sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

fail() { echo "localstack.sh: $*" >&2; exit 1; }

# Whether process group $1 is a LocalStack this script started.
ours() {
  [[ "$1" =~ ^[0-9]+$ ]] && pgrep -g "$1" -f "$marker|localstack\.runtime\.main" >/dev/null 2>&1
}

# The pid to watch by default: our parent, or, when that is a subshell (same
# command line as its own parent, as with $(...) or a pipeline), the shell it
# was forked from, since the subshell exits as soon as this script does.
default_parent() {
  local p="$PPID" pp
  while pp="$( { sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f2; } 2>/dev/null)"; do
    [[ "$pp" =~ ^[0-9]+$ && "$pp" -gt 1 ]] || break
    [[ "$(cmdline "$p")" == "$(cmdline "$pp")" ]] || break
    p="$pp"
  done
  echo "$p"
}

# Process $1's command line, spaces for NULs ("" once it has gone).
cmdline() {
  { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null || true
}

# Stop the instance recorded in $state, if any; quiet unless asked.
stop_instance() {
  local pgid="" fsroot="" i
  [[ -f "$state/pid" ]] && pgid="$(<"$state/pid")"
  [[ -f "$state/fsroot" ]] && fsroot="$(<"$state/fsroot")"
  if [[ -n "$pgid" ]] && ours "$pgid"; then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 -- "-$pgid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 -- "-$pgid" 2>/dev/null; then
      kill -KILL -- "-$pgid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  # Only ever a directory start made (mktemp's pattern below).
  if [[ -n "$fsroot" && "$(basename "$fsroot")" == logferry-localstack-fs.* ]]; then
    rm -rf "$fsroot"
  fi
  rm -f "$state/pid" "$state/port" "$state/fsroot"
}

start() {
  [[ $# -eq 0 ]] || usage
  mkdir -p "$state"
  if [[ -f "$state/pid" ]] && ours "$(<"$state/pid")"; then
    fail "already running on port $(cat "$state/port" 2>/dev/null) (process group $(<"$state/pid")); run scripts/localstack.sh stop first, or set LOCALSTACK_STATE_DIR for a second one"
  fi
  stop_instance # leftovers of one that died

  local parent="${LOCALSTACK_PARENT_PID:-$(default_parent)}"
  [[ "$parent" =~ ^[0-9]+$ ]] || fail "LOCALSTACK_PARENT_PID=$parent is not a pid (0: no watchdog)"
  if [[ "$parent" != 0 ]] && ! kill -0 "$parent" 2>/dev/null; then
    fail "LOCALSTACK_PARENT_PID=$parent is not a running process"
  fi

  local py
  py="$("$here/install-localstack.sh" | tail -n1)"

  local port="${LOCALSTACK_PORT:-}"
  if [[ -z "$port" ]]; then
    port="$("$py" -P -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  elif ! "$py" -P -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null; then
    fail "LOCALSTACK_PORT=$port is in use (or not a port); pick another or leave it unset for a free one"
  fi

  local fsroot
  fsroot="$(mktemp -d "${TMPDIR:-/tmp}/logferry-localstack-fs.XXXXXX")"
  mkdir -p "$fsroot/tmp"

  # LocalStack 4.14 keeps S3 object bodies under a fixed /tmp/localstack-s3-storage
  # (not under FILESYSTEM_ROOT): shared by every instance, and left behind.
  # This entry point is localstack.runtime.main with that directory moved into
  # the temp dir, set as the S3 provider module loads (lazily, on first use).
  local main='
import importlib.util, os, sys
from importlib.abc import MetaPathFinder

class S3StorageDir(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "localstack.services.s3.provider":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            module.DEFAULT_S3_TMP_DIR = os.environ["LOGFERRY_LOCALSTACK_S3_DIR"]
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, S3StorageDir())
# Lambda functions run as processes of this machine, not in Docker.
sys.path.insert(0, os.environ["LOGFERRY_SCRIPTS_DIR"])
import localstack_process_lambda
localstack_process_lambda.install()
from localstack.runtime.main import main
main()'

  # The watchdog: a bash (it reaps its child at once, so kill -0 sees it go)
  # in a new session, hence a process group of its own that `stop` can kill
  # whole. It stops LocalStack when the parent or LocalStack itself exits,
  # removes the temp dir, then kills whatever is left in the group.
  local watchdog='
    py=$1 parent=$2 fsroot=$3 main=$4
    "$py" -P -c "$main" & ls=$!
    exec 2>/dev/null # no job notices from this shell in the log
    finish() {
      trap "" TERM INT HUP
      kill -TERM $ls
      for i in $(seq 100); do kill -0 $ls || break; sleep 0.1; done
      rm -rf "$fsroot"
      for p in $(pgrep -g $$); do [ "$p" = $$ ] || kill -KILL "$p"; done
      exit 0
    }
    trap finish TERM INT HUP
    while kill -0 $ls && { [ "$parent" = 0 ] || kill -0 "$parent"; }; do
      sleep 1 & wait $!
    done
    kill -0 $ls && echo "[$0] parent process $parent exited; stopping LocalStack"
    finish'
  # TMPDIR too, so that its temporary files go into the temp dir (LocalStack
  # warns that TMPDIR is deprecated: harmless, it only means its old setting).
  # -P: the caller's working directory is not on sys.path.
  local started=$SECONDS
  GATEWAY_LISTEN="127.0.0.1:$port" \
    LOCALSTACK_HOST="127.0.0.1:$port" \
    SERVICES="$services" \
    SQS_ENDPOINT_STRATEGY=off \
    DNS_ADDRESS=0 \
    SKIP_SSL_CERT_DOWNLOAD=1 \
    DISABLE_EVENTS=1 \
    FILESYSTEM_ROOT="$fsroot" \
    TMPDIR="$fsroot/tmp" \
    LOGFERRY_LOCALSTACK_S3_DIR="$fsroot/s3" \
    LOGFERRY_SCRIPTS_DIR="$here" \
    setsid bash -c "$watchdog" "$marker" "$py" "$parent" "$fsroot" "$main" </dev/null >"$log" 2>&1 &
  local pgid=$!
  disown "$pgid" # `stop` ends it, not this shell: no job notices from here
  echo "$pgid" >"$state/pid"
  echo "$port" >"$state/port"
  echo "$fsroot" >"$state/fsroot"
  trap 'stop_instance; exit 130' INT TERM HUP

  local rc=0
  "$py" -P - "http://127.0.0.1:$port/_localstack/health" "$services" "$timeout" "$pgid" <<'EOF' || rc=$?
import json, os, sys, time, urllib.request
url, want, timeout, pgid = sys.argv[1], sys.argv[2].split(","), float(sys.argv[3]), int(sys.argv[4])
deadline = time.monotonic() + timeout
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via $http_proxy
while time.monotonic() < deadline:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        sys.exit(2)
    try:
        with direct.open(url, timeout=2) as r:
            got = json.load(r).get("services", {})
        if all(got.get(s) in ("available", "running") for s in want):
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.2)
sys.exit(1)
EOF
  if [[ $rc -ne 0 ]]; then
    local last
    last="$(tail -n 20 "$log")"
    stop_instance
    trap - INT TERM HUP
    if [[ $rc -eq 2 ]]; then
      echo "localstack.sh: LocalStack exited while starting; see $log (last lines below)" >&2
    else
      echo "localstack.sh: LocalStack on port $port did not report $services available within ${timeout}s; see $log (last lines below)" >&2
    fi
    sed 's/^/  | /' <<<"$last" >&2
    exit 1
  fi
  trap - INT TERM HUP
  local watching="until scripts/localstack.sh stop"
  if [[ "$parent" != 0 ]]; then
    watching="until pid $parent ($(cmdline "$parent" | cut -c1-60)) exits or scripts/localstack.sh stop"
  fi
  echo "LocalStack up on port $port after $((SECONDS - started))s (process group $pgid, log $log), running $watching" >&2
  echo "AWS_ENDPOINT_URL=http://127.0.0.1:$port"
}

stop() {
  [[ $# -eq 0 ]] || usage
  if [[ -f "$state/pid" ]] && ours "$(<"$state/pid")"; then
    local port
    port="$(cat "$state/port" 2>/dev/null || echo '?')"
    stop_instance
    echo "LocalStack on port $port stopped" >&2
  else
    stop_instance
    echo "LocalStack is not running (state dir $state)" >&2
  fi
}

command="${1:-}"
[[ $# -gt 0 ]] && shift
case "$command" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) usage ;;
esac
