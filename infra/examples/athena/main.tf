# Athena in the archive account (B), next to examples/direct or
# examples/assume-role (same variable values):
#   athena_archive: queries the archive bucket under archive_prefix/ (what the
#                   shipper wrote), with B's archive key.
#   athena_direct:  queries A's access log bucket in place, no shipping; A's
#                   bucket policy must grant its analyst role (output
#                   source_root_tfvars, applied by the source root).
#   log_compactor:  (compaction_enabled) compacts the archive's settled days
#                   under query_prefix/, which athena_archive's second table
#                   reads; with a KMS archive B's key policy must grant its
#                   role (source_root_tfvars again).
# Both tables use S3's partitioned layout; source_bucket is the audited bucket.
#
# Everything here lives in B, so there is only the archive provider.

provider "aws" {
  alias               = "archive"
  region              = var.region
  profile             = var.archive_profile
  allowed_account_ids = [var.archive_account_id]

  default_tags {
    tags = var.tags
  }
}

# log_archive names its key alias/<archive bucket, dots as hyphens> unless
# told otherwise; aliases resolve in the caller's account, which is B here.
data "aws_kms_alias" "archive" {
  provider = aws.archive
  count    = var.archive_kms_enabled ? 1 : 0

  name = coalesce(var.archive_kms_key_alias, "alias/${replace(var.archive_bucket_name, ".", "-")}")
}

locals {
  archive_kms_key_arn = var.archive_kms_enabled ? data.aws_kms_alias.archive[0].target_key_arn : null

  compactor_zip_path = coalesce(var.compactor_zip_path, "${path.root}/../../../target/lambda/compactor/bootstrap.zip")
}

# In this root rather than the source root: it lives in B, next to the
# Athena tables that read its output, and like the analysts it only needs
# the archive key's policy (owned by the source root) to name its role.
module "log_compactor" {
  source    = "../../modules/log_compactor"
  providers = { aws = aws.archive }
  count     = var.compaction_enabled ? 1 : 0

  name_prefix         = var.name_prefix
  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  query_prefix        = var.query_prefix
  archive_kms_key_arn = local.archive_kms_key_arn
  lambda_zip_path     = local.compactor_zip_path
  tags                = var.tags
}

module "athena_archive" {
  source    = "../../modules/athena_archive"
  providers = { aws = aws.archive }

  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  archive_kms_key_arn = local.archive_kms_key_arn
  # The compactor's resolved prefix (query_prefix or the layout default);
  # null without compaction: no compacted table.
  query_prefix = var.compaction_enabled ? module.log_compactor[0].query_prefix : null

  source_account_ids  = [var.source_account_id]
  source_regions      = [var.region]
  source_bucket_names = var.audited_bucket_names

  workgroup_name                 = "${var.name_prefix}-archive"
  database_name                  = "${replace(var.name_prefix, "-", "_")}_archive"
  analyst_role_name              = "${var.name_prefix}-archive-analyst"
  results_bucket_name            = var.archive_results_bucket_name
  analyst_trusted_principal_arns = var.analyst_trusted_principal_arns
  tags                           = var.tags
}

module "athena_direct" {
  source    = "../../modules/athena_direct"
  providers = { aws = aws.archive }

  source_log_bucket_name   = var.access_log_bucket_name
  source_log_key_prefix    = "${var.access_log_prefix}/"
  source_log_bucket_region = var.region
  source_log_kms_key_arn   = var.access_log_kms_key_arn

  source_account_ids  = [var.source_account_id]
  source_regions      = [var.region]
  source_bucket_names = var.audited_bucket_names

  workgroup_name                 = "${var.name_prefix}-direct"
  database_name                  = "${replace(var.name_prefix, "-", "_")}_direct"
  analyst_role_name              = "${var.name_prefix}-direct-analyst"
  results_bucket_name            = var.direct_results_bucket_name
  analyst_trusted_principal_arns = var.analyst_trusted_principal_arns
  tags                           = var.tags
}
