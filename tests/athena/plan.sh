#!/usr/bin/env bash
# Renders infra/modules/s3_access_log_table with `terraform plan` (local
# provider mirror; cached by a hash of infra/) and prints the plan JSON's
# path on its last line: the Glue table and the saved queries exactly as
# Terraform would create them, for saved_queries.py --plan.
#
#   tests/athena/plan.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache_dir="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
plugin_dir="${TF_PLUGIN_DIR:-/opt/tf-plugins}"

# The module may read files elsewhere in infra/ (file("../../...")): copy and hash all of it.
hash="$( (cd "$repo" && find infra -type f -not -path '*/.terraform*' -not -name '*.tfstate*' | LC_ALL=C sort |
  xargs sha256sum; cat "$here/plan.sh") | sha256sum | cut -c1-16)"
plan_json="$cache_dir/athena-selftest-plan-$hash.json"
if [[ ! -s "$plan_json" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/root" "$cache_dir"
  cp -r "$repo/infra" "$work/infra"
  find "$work/infra" -name .terraform -prune -exec rm -rf {} +
  cat >"$work/root/main.tf" <<'TF'
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "selftest"
  secret_key                  = "selftest"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
module "table" {
  source              = "../infra/modules/s3_access_log_table"
  database_name       = "logferry_archive"
  location_prefix     = "s3://archive-bucket/access-logs/"
  source_account_ids  = ["111111111111"]
  source_regions      = ["eu-west-1"]
  source_bucket_names = ["acme-prod-data", "acme-prod-logs"]
  workgroup_name      = "logferry"
}
TF
  log="$work/terraform.log"
  # The local provider mirror where there is one, the registry otherwise.
  mirror=()
  [[ -d "$plugin_dir" ]] && mirror=(-plugin-dir="$plugin_dir")
  command -v terraform >/dev/null || { echo "FAIL: terraform not found: install Terraform >= 1.7 or put it on PATH" >&2; exit 1; }
  if ! (cd "$work/root" &&
    TF_CLI_CONFIG_FILE=/dev/null terraform init -input=false -backend=false "${mirror[@]}" &&
    TF_CLI_CONFIG_FILE=/dev/null terraform plan -input=false -refresh=false -lock=false -out=plan.bin &&
    TF_CLI_CONFIG_FILE=/dev/null terraform show -json plan.bin >plan.json) >"$log" 2>&1; then
    cp "$log" "$cache_dir/athena-selftest-terraform.log"
    echo "FAIL: terraform could not render the module (see $cache_dir/athena-selftest-terraform.log)" >&2
    exit 1
  fi
  mv "$work/root/plan.json" "$plan_json"
fi

echo "$plan_json"
