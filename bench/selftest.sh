#!/usr/bin/env bash
# Self-check of the bench peers on a private fakecloud: sets up accounts A and B,
# 200 small S3 access-log objects (1-64 KiB) and one 16 MiB object (world.py),
# runs peers.py python-way (40 objects, assume-role), awscli-cp (all 200, direct),
# stream-cli (16 MiB, assume-role profile) and cold-start --python-handler,
# then report.py with made-up logferry rows, and checks every JSON's shape.
# Timings are printed, never asserted. Leaves no process behind (trap).
#
#   bench/selftest.sh        # last line: "bench-selftest: N passed, N failed"
#
# Needs fakecloud (`make emulator`, or FAKECLOUD_BIN) and python3 with venv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_dir="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
fakecloud="${FAKECLOUD_BIN:-$cache_dir/fakecloud-0.51.0/bin/fakecloud}"
[[ -x "$fakecloud" ]] || { echo "FAIL: fakecloud not found at $fakecloud; run \`make emulator\` or set FAKECLOUD_BIN"; exit 1; }

bin="$("$here/setup.sh" | tail -n1)"
py="$bin/python"

work="$(mktemp -d -t logferry-bench-selftest.XXXXXX)"
fc_pid="" child=""
cleanup() {
  local pid
  for pid in $child $fc_pid; do # the running step first, then the emulator
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
endpoint="http://127.0.0.1:$port"
"$fakecloud" --addr "127.0.0.1:$port" --iam soft --log-level warn >"$work/fakecloud.log" 2>&1 &
fc_pid=$!
"$py" - "$endpoint" <<'PY' || { echo "FAIL: fakecloud did not become healthy: $(tail -n2 "$work/fakecloud.log")"; exit 1; }
import sys, time, urllib.request
deadline = time.time() + 30
while time.time() < deadline:
    try:
        with urllib.request.urlopen(sys.argv[1] + "/_fakecloud/health", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY

step() { echo "--- $*" >&2; }
# Each step runs in the background and is waited for, so INT/TERM reach the trap at once.
run() {
  "$@" &
  child=$!
  wait "$child"
  child=""
}

step "world: accounts, buckets, role, 200 objects + 16 MiB"
run "$py" "$here/world.py" --endpoint "$endpoint" --dir "$work/world" --objects 200 --big-mib 16 >"$work/world.json"
w() { "$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))' "$work/world.json" "$1"; }
export AWS_SHARED_CREDENTIALS_FILE="$(w credentials_file)"
export AWS_CONFIG_FILE=/dev/null  # no ~/.aws/config surprises for the boto3 peers
src="$(w source_bucket)" dst="$(w archive_bucket)" role="$(w role_arn)" xid="$(w external_id)"
head -n 40 "$(w keys_file)" >"$work/keys40.txt"
common=(--endpoint "$endpoint" --source-bucket "$src" --dest-bucket "$dst" --source-profile source)

step "python-way: 40 objects, assume-role, 4 workers"
run "$py" "$here/peers.py" python-way "${common[@]}" --dest-prefix python-way --keys-file "$work/keys40.txt" \
  --concurrency 4 --role-arn "$role" --external-id "$xid" >"$work/python-way.json"
step "awscli-cp: 200 objects, direct, max_concurrent_requests 8"
run "$py" "$here/peers.py" awscli-cp "${common[@]}" --dest-prefix awscli --prefix "$(w prefix)" \
  --concurrency 8 >"$work/awscli-cp.json"
step "stream-cli: 16 MiB through a pipe, assume-role profile"
run "$py" "$here/peers.py" stream-cli "${common[@]}" --dest-prefix stream --key "$(w big_key)" \
  --concurrency 4 --role-arn "$role" --external-id "$xid" >"$work/stream-cli.json"
step "cold-start: python_handler.py, 3 runs, 10-object SQS event"
run "$py" "$here/peers.py" cold-start --python-handler --event-file "$(w event_file)" --runs 3 \
  --env "AWS_ENDPOINT_URL=$endpoint" --env "AWS_ACCESS_KEY_ID=$(w "source_keys['access_key_id']")" \
  --env "AWS_SECRET_ACCESS_KEY=$(w "source_keys['secret_access_key']")" \
  --env "LOGFERRY_DEST_BUCKET=$dst" --env LOGFERRY_DEST_PREFIX=cold/python \
  --env "LOGFERRY_ROLE_ARN=$role" --env "LOGFERRY_EXTERNAL_ID=$xid" >"$work/cold-start.json"

step "report: with made-up logferry rows"
run "$py" "$here/selftest_check.py" --work "$work" --report "$here/report.py" \
  --endpoint "$endpoint" --dest-bucket "$dst"
