#!/usr/bin/env bash
# Terraform checks for infra/, called by run.sh (also runnable alone):
#   terraform-fmt       terraform fmt -check -recursive infra
#   terraform-validate  init + validate of every module and example
#   terraform-test      terraform test of every root with tests/*.tftest.hcl
#                       (mocked providers, command = plan: no credentials)
#
# Works on a copy of infra/ in a temp dir (module sources are relative, so the
# whole tree is copied once), so no .terraform/ or lock file is left in the
# work tree. Providers come from the local mirror ${LOGFERRY_TF_PLUGIN_DIR:-/opt/tf-plugins}
# when it exists (offline), from the registry otherwise, through a plugin
# cache under ${LOGFERRY_CACHE:-~/.cache/logferry}.
#
# Prints one PASS/FAIL line per check (SKIP lines for roots whose provider is
# not in the mirror) and exits with the number of failed checks.
set -uo pipefail

checks_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra_dir="$(dirname "$checks_dir")"
cache_dir="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
plugin_dir="${LOGFERRY_TF_PLUGIN_DIR:-/opt/tf-plugins}"
jobs="${LOGFERRY_TF_JOBS:-$(nproc 2>/dev/null || echo 2)}"
# terraform test needs override_during (mocked values known at plan time).
min_test_version="1.11.0"

if ! command -v terraform >/dev/null 2>&1; then
  printf 'FAIL  %-18s %s\n' terraform "terraform not found: install Terraform >= $min_test_version (https://developer.hashicorp.com/terraform/install) or put it on PATH"
  exit 1
fi

# A CLI config that does not exist only produces a warning on every command.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then
  unset TF_CLI_CONFIG_FILE
fi
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export TF_PLUGIN_CACHE_DIR="$cache_dir/tf-plugin-cache"
# No lock files are kept for these throwaway inits; let them use the cache.
export TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=true
mkdir -p "$TF_PLUGIN_CACHE_DIR"

init_args=(-backend=false -input=false -no-color)
mirror=""
if [[ -d "$plugin_dir" ]]; then
  mirror="$plugin_dir"
  init_args+=("-plugin-dir=$plugin_dir")
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# line STATUS NAME TEXT [LOG]: one line, plus the start of LOG on failure.
line() {
  printf '%-4s  %-18s %s\n' "$1" "$2" "$3"
  if [[ "$1" == FAIL ]]; then
    failures=$((failures + 1))
    [[ -n "${4:-}" && -s "$4" ]] && head -n 60 "$4" | sed 's/^/      /'
  fi
  return 0
}

version="$(terraform version 2>/dev/null | sed -n '1s/^Terraform v//p')"

# --- fmt (on the work tree itself; -check writes nothing) ---------------------
start="$(now)"
status=0
terraform fmt -check -recursive -diff -no-color "$infra_dir" >"$work/fmt.log" 2>&1 || status=$?
if [[ "$status" -eq 0 ]]; then
  line PASS terraform-fmt "terraform $version, infra/ is formatted ($(elapsed "$start"))"
else
  line FAIL terraform-fmt "run: terraform fmt -recursive infra ($(elapsed "$start"))" "$work/fmt.log"
fi

# --- copy of infra/ -------------------------------------------------------------
tar -C "$(dirname "$infra_dir")" --exclude=.terraform --exclude='.terraform.lock.hcl' \
  --exclude='*.tfstate*' --exclude='terraform.tfvars' --exclude='*.auto.tfvars*' \
  --exclude='zz_*override.tf' -cf - "$(basename "$infra_dir")" | tar -C "$work" -xf -
copy="$work/$(basename "$infra_dir")"
mkdir -p "$work/logs"

roots=()
for dir in "$copy"/modules/*/ "$copy"/examples/*/; do
  compgen -G "$dir*.tf" >/dev/null && roots+=("${dir%/}")
done

# Providers a root requires (namespace/type sources in required_providers).
missing_from_mirror() {
  [[ -n "$mirror" ]] || return 1
  local provider missing=""
  for provider in $(grep -ho 'source *= *"[a-z0-9-]*/[a-z0-9-]*"' "$1"/*.tf | sed 's/.*"\(.*\)"/\1/' | sort -u); do
    [[ -d "$mirror/registry.terraform.io/$provider" ]] || missing="$missing ${provider#*/}"
  done
  [[ -n "$missing" ]] && echo "${missing# }"
}

# validate_root DIR: init + validate; writes logs/<name>.validate.{log,rc}.
validate_root() {
  local dir="$1" name rc=0
  name="$(basename "$(dirname "$dir")")-$(basename "$dir")"
  {
    (cd "$dir" && terraform init "${init_args[@]}" >init.log 2>&1) || { cat "$dir/init.log"; exit 1; }
    (cd "$dir" && terraform validate -no-color)
  } >"$work/logs/$name.validate.log" 2>&1 || rc=$?
  echo "$rc" >"$work/logs/$name.validate.rc"
}

# test_root DIR: terraform test; writes logs/<name>.test.{log,rc}.
test_root() {
  local dir="$1" name rc=0
  name="$(basename "$(dirname "$dir")")-$(basename "$dir")"
  (cd "$dir" && terraform test -no-color) >"$work/logs/$name.test.log" 2>&1 || rc=$?
  echo "$rc" >"$work/logs/$name.test.rc"
}
export -f validate_root test_root
export work
export init_args_str="${init_args[*]}"

# --- init + validate ----------------------------------------------------------------
start="$(now)"
to_validate=()
for dir in "${roots[@]}"; do
  if missing="$(missing_from_mirror "$dir")"; then
    rel="${dir#"$copy"/}"
    echo "SKIP  validate $rel: provider $missing not in $mirror"
  else
    to_validate+=("$dir")
  fi
done
# One init first fills the plugin cache; concurrent inits would race on it.
run_pool() {
  local fn="$1"
  shift
  printf '%s\n' "$@" | xargs -r -P "$jobs" -I{} bash -c "init_args=(\$init_args_str); $fn {}"
}
if [[ "${#to_validate[@]}" -gt 0 ]]; then
  init_args_str="${init_args[*]}" bash -c "init_args=(\$init_args_str); validate_root '${to_validate[0]}'"
  run_pool validate_root "${to_validate[@]:1}"
fi
bad=()
for dir in "${to_validate[@]}"; do
  name="$(basename "$(dirname "$dir")")-$(basename "$dir")"
  [[ "$(cat "$work/logs/$name.validate.rc")" == 0 ]] || bad+=("$name")
done
if [[ "${#bad[@]}" -eq 0 ]]; then
  line PASS terraform-validate "${#to_validate[@]} roots valid ($(elapsed "$start"), $jobs jobs)"
else
  for name in "${bad[@]}"; do cat "$work/logs/$name.validate.log"; done >"$work/validate.log"
  line FAIL terraform-validate "${#bad[@]} of ${#to_validate[@]} roots invalid: ${bad[*]} ($(elapsed "$start"))" "$work/validate.log"
fi

# --- test ------------------------------------------------------------------------
start="$(now)"
to_test=()
for dir in "${to_validate[@]}"; do
  name="$(basename "$(dirname "$dir")")-$(basename "$dir")"
  [[ "$(cat "$work/logs/$name.validate.rc")" == 0 ]] || continue
  compgen -G "$dir/tests/*.tftest.hcl" >/dev/null || continue
  # Longest first (most run blocks), so the pool ends together.
  to_test+=("$(cat "$dir"/tests/*.tftest.hcl | grep -c '^run ') $dir")
done
mapfile -t to_test < <(printf '%s\n' "${to_test[@]}" | sort -rn | cut -d' ' -f2-)
if [[ "$(printf '%s\n' "$version" "$min_test_version" | sort -V | head -n 1)" != "$min_test_version" ]]; then
  line FAIL terraform-test "terraform $version is too old for the tests: install Terraform >= $min_test_version (https://developer.hashicorp.com/terraform/install)"
elif [[ "${#to_test[@]}" -eq 0 || -z "${to_test[0]}" ]]; then
  line FAIL terraform-test "no root with tests/*.tftest.hcl passed validation"
else
  run_pool test_root "${to_test[@]}"
  bad=()
  passed=0
  for dir in "${to_test[@]}"; do
    name="$(basename "$(dirname "$dir")")-$(basename "$dir")"
    n="$(sed -n 's/^Success! \([0-9]*\) passed.*/\1/p' "$work/logs/$name.test.log")"
    passed=$((passed + ${n:-0}))
    [[ "$(cat "$work/logs/$name.test.rc")" == 0 ]] || bad+=("$name")
  done
  if [[ "${#bad[@]}" -eq 0 ]]; then
    line PASS terraform-test "${#to_test[@]} roots, $passed runs passed ($(elapsed "$start"), $jobs jobs)"
  else
    for name in "${bad[@]}"; do
      echo "== $name"
      grep -v -e '^$' -e '\.\.\. pass$' "$work/logs/$name.test.log"
    done >"$work/test.log"
    line FAIL terraform-test "failing: ${bad[*]} ($(elapsed "$start"))" "$work/test.log"
  fi
fi

exit "$failures"
