#!/usr/bin/env bash
# Renders every infra/policies/*.json.tpl with the values in
# infra/policies/sample-vars.json through Terraform's own templatefile(), so
# what is checked is byte for byte what the modules deploy.
#
#   infra/checks/render_policies.sh [--raw] [POLICIES_DIR]
#
# POLICIES_DIR defaults to infra/policies; the values come from
# POLICIES_DIR/sample-vars.json (extra keys are fine, a missing one fails).
# Prints one JSON object on stdout, keys sorted by template file name:
#   {"<name>.json.tpl": <rendered document parsed as JSON>, ...}
# or with --raw the rendered text itself, unparsed:
#   {"<name>.json.tpl": "<rendered text>", ...}
# On failure prints one line per failing template on stderr (naming it) and
# exits 1. Needs terraform and python3; no provider, no init, no network.
# Works in a temp dir that is removed on exit.
set -euo pipefail

usage="usage: $(basename "$0") [--raw] [POLICIES_DIR]"
raw=0
policies_dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --raw) raw=1 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) echo "$usage" >&2; exit 2 ;;
    *) [[ -z "$policies_dir" ]] || { echo "$usage" >&2; exit 2; }; policies_dir="$1" ;;
  esac
  shift
done
if [[ -z "$policies_dir" ]]; then
  policies_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../policies" && pwd)"
fi
[[ -d "$policies_dir" ]] || { echo "render_policies: no such directory: $policies_dir" >&2; exit 1; }
policies_dir="$(cd "$policies_dir" && pwd)"
vars_file="$policies_dir/sample-vars.json"
[[ -f "$vars_file" ]] || { echo "render_policies: missing $vars_file" >&2; exit 1; }

if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform not found: install Terraform >= 1.7 or put it on PATH" >&2
  exit 1
fi
python="${PYTHON:-python3}"

# Nothing from the caller's Terraform environment may change what is run.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then
  unset TF_CLI_CONFIG_FILE  # a missing CLI config only produces a warning
fi
unset TF_CLI_ARGS TF_CLI_ARGS_apply TF_DATA_DIR TF_WORKSPACE TF_LOG TF_LOG_PATH
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# A root module with no provider: apply needs no init and downloads nothing.
# Paths come in as variables (env), so no quoting of them in HCL is needed.
cat >"$work/main.tf" <<'EOF'
variable "policies_dir" {
  type = string
}

variable "vars_file" {
  type = string
}

output "rendered" {
  value = {
    for name in fileset(var.policies_dir, "*.json.tpl") :
    name => templatefile("${var.policies_dir}/${name}", jsondecode(file(var.vars_file)))
  }
}
EOF

status=0
TF_VAR_policies_dir="$policies_dir" TF_VAR_vars_file="$vars_file" \
  terraform -chdir="$work" apply -auto-approve -input=false -lock=false -json \
  >"$work/apply.jsonl" 2>"$work/apply.err" || status=$?

"$python" - "$work/apply.jsonl" "$work/apply.err" "$status" "$raw" "$policies_dir" <<'PY'
import json
import re
import sys

log, err_file, status, raw, policies_dir = sys.argv[1:]
messages = []
with open(log, encoding="utf-8") as handle:
    for line in handle:
        try:
            messages.append(json.loads(line))
        except ValueError:
            pass

TEMPLATE = re.compile(r"(?:[^\s\"]*/)?([^/\s\"]+\.json\.tpl)")

def one_line(text: str) -> str:
    text = text.split("\n\n")[0]  # the rest is generic advice
    text = text.replace('Call to function "templatefile" failed: ', "")
    text = TEMPLATE.sub(r"\1", text)  # absolute paths -> file names
    return " ".join(text.split()).rstrip(".") + "."

errors = [m["diagnostic"] for m in messages
          if m.get("type") == "diagnostic" and m.get("diagnostic", {}).get("severity") == "error"]
outputs = next((m["outputs"] for m in reversed(messages) if m.get("type") == "outputs"), None)

if errors or status != "0" or not outputs or "rendered" not in outputs:
    lines = []
    for diag in errors:
        detail = diag.get("detail") or ""
        found = TEMPLATE.search(detail)
        message = one_line(detail or diag.get("summary", ""))
        if 'function "jsondecode"' in detail:
            lines.append(f"render_policies: {policies_dir}/sample-vars.json is not JSON: {message}")
        elif found:
            lines.append(f"render_policies: {found.group(1)} does not render: {message}")
        else:
            lines.append(f"render_policies: terraform failed: {diag.get('summary', '')}: {message}")
    if not lines:
        with open(err_file, encoding="utf-8", errors="replace") as handle:
            first = next((l.strip() for l in handle if l.strip()), "no output")
        lines.append(f"render_policies: terraform apply failed (exit {status}): {first}")
    for line in dict.fromkeys(lines):
        print(line, file=sys.stderr)
    sys.exit(1)

rendered = outputs["rendered"]["value"]
result, problems = {}, []
for name in sorted(rendered):
    if raw == "1":
        result[name] = rendered[name]
        continue
    try:
        result[name] = json.loads(rendered[name])
    except ValueError as err:
        problems.append(f"render_policies: {name} rendered text is not JSON: {err}")
for problem in problems:
    print(problem, file=sys.stderr)
if problems:
    sys.exit(1)
json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write("\n")
PY
