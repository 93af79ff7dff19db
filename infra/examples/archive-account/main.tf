# The one root for the archive account (B), applied before any source
# account: the archive bucket fencing every source account into
# <archive_prefix>/<its account id>/ (log_archive), Athena over it
# (athena_archive), the compactor feeding Athena's second table
# (log_compactor) and, behind a toggle, Athena over one source account's log
# bucket in place (athena_direct). Each source account then applies its own
# root (examples/source-account) with its entry of source_root_tfvars.
#
# Everything lives in B, so there is one provider. Credentials: profile and
# assume_role are both optional; with neither, the ambient chain (environment,
# SSO cache, OIDC web identity in CI, instance role) is used.

provider "aws" {
  region              = var.region
  profile             = var.profile
  allowed_account_ids = [var.archive_account_id]

  dynamic "assume_role" {
    for_each = var.assume_role == null ? [] : [var.assume_role]
    content {
      role_arn     = assume_role.value.role_arn
      session_name = assume_role.value.session_name
      external_id  = assume_role.value.external_id
    }
  }

  default_tags {
    tags = var.tags
  }
}

# Who applies this root: the role behind the current session (or the user),
# which must stay able to change the bucket policy and the key policy on the
# next apply (log_archive's protection_admin_principal_arns and
# key_admin_principal_arns).
data "aws_caller_identity" "current" {}

data "aws_iam_session_context" "current" {
  arn = data.aws_caller_identity.current.arn
}

locals {
  deployer_principal_arn          = data.aws_iam_session_context.current.issuer_arn
  protection_admin_principal_arns = coalesce(var.protection_admin_principal_arns, [local.deployer_principal_arn])
  key_admin_principal_arns        = var.archive_kms_enabled ? coalesce(var.key_admin_principal_arns, [local.deployer_principal_arn]) : []

  compactor_zip_path = coalesce(var.compactor_zip_path, "${path.root}/../../../target/lambda/compactor/bootstrap.zip")

  # Roles the archive key policy names: it delegates no use to IAM. Taken
  # from the roles themselves (not log_compactor's compactor_principal_arns,
  # which depends on the key ARN and would make a cycle); Terraform creates
  # the roles, then the key, then the policies naming the key.
  archive_analyst_principal_arns   = var.archive_kms_enabled ? [module.athena_archive.analyst_role_arn] : []
  archive_compactor_principal_arns = var.archive_kms_enabled && var.compaction_enabled ? [module.log_compactor[0].role_arn] : []

  # athena_direct's source_bucket values: its own list, or else that
  # account's audited_bucket_names in source_accounts.
  athena_direct_audited_bucket_names = !var.athena_direct_enabled || var.athena_direct == null ? [] : (
    var.athena_direct.audited_bucket_names != null ? var.athena_direct.audited_bucket_names :
    try(var.source_accounts[var.athena_direct.source_account_id].audited_bucket_names, [])
  )
}

module "log_archive" {
  source = "../../modules/log_archive"

  archive_bucket_name     = var.archive_bucket_name
  archive_prefix          = var.archive_prefix
  kms_enabled             = var.archive_kms_enabled
  source_accounts         = var.source_accounts
  shipper_role_name       = coalesce(var.shipper_role_name, "${var.name_prefix}-shipper")
  writer_role_name_prefix = "${var.name_prefix}-archive-writer"
  organization_id         = var.organization_id

  analyst_principal_arns   = local.archive_analyst_principal_arns
  compactor_principal_arns = local.archive_compactor_principal_arns
  query_prefix             = var.query_prefix

  expiration_days                = var.archive_expiration_days
  compacted_originals_transition = var.compacted_originals_transition

  # Evidence: WORM, no overwrites (the default), and who may change either.
  object_lock                        = var.archive_object_lock
  name_prefix                        = "${var.name_prefix}-archive"
  protection_admin_principal_arns    = local.protection_admin_principal_arns
  key_admin_principal_arns           = local.key_admin_principal_arns
  break_glass_trusted_principal_arns = var.break_glass_trusted_principal_arns
  key_admin_trusted_principal_arns   = var.key_admin_trusted_principal_arns
  alarm_sns_topic_arns               = var.alarm_sns_topic_arns

  tags = var.tags
}

module "log_compactor" {
  source = "../../modules/log_compactor"
  count  = var.compaction_enabled ? 1 : 0

  name_prefix         = var.name_prefix
  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  query_prefix        = var.query_prefix
  archive_kms_key_arn = module.log_archive.kms_key_arn
  lambda_zip_path     = local.compactor_zip_path
  concurrency         = var.compactor_concurrency

  alarm_sns_topic_arns = var.alarm_sns_topic_arns
  tags                 = var.tags
}

# Email subscriptions to the alarm topics log_compactor and log_archive
# create. Each address gets a confirmation mail from SNS per topic and
# receives nothing until it confirms.
resource "aws_sns_topic_subscription" "compactor_alarm_email" {
  for_each = var.compaction_enabled ? toset(var.alarm_email_addresses) : toset([])

  topic_arn = module.log_compactor[0].alarm_topic_arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_sns_topic_subscription" "archive_alarm_email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = module.log_archive.alarm_topic_arn
  protocol  = "email"
  endpoint  = each.key
}

# account, region and source_bucket are enum projections: their values are
# derived from source_accounts (log_archive partition_values), so a new
# source account is queryable as soon as it is in source_accounts.
module "athena_archive" {
  source = "../../modules/athena_archive"

  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  archive_kms_key_arn = module.log_archive.kms_key_arn
  # The compactor's resolved prefix (query_prefix or the layout default);
  # null without compaction: no compacted table.
  query_prefix = var.compaction_enabled ? module.log_compactor[0].query_prefix : null

  source_account_ids  = module.log_archive.partition_values.account_ids
  source_regions      = module.log_archive.partition_values.regions
  source_bucket_names = module.log_archive.partition_values.audited_bucket_names

  workgroup_name                 = "${var.name_prefix}-archive"
  database_name                  = "${replace(var.name_prefix, "-", "_")}_archive"
  analyst_role_name              = "${var.name_prefix}-archive-analyst"
  results_bucket_name            = var.archive_results_bucket_name
  analyst_trusted_principal_arns = var.analyst_trusted_principal_arns
  analyst_organization_id        = var.organization_id
  tags                           = var.tags
}

# Athena over one source account's log bucket in place, no shipping. That
# account's root must merge athena_direct_log_bucket_policy_json into its
# log bucket policy (log_source access_log_bucket_policy_documents).
module "athena_direct" {
  source = "../../modules/athena_direct"
  count  = var.athena_direct_enabled ? 1 : 0

  # athena_direct_enabled = true needs the athena_direct object (see variables.tf).
  source_log_bucket_name   = var.athena_direct.access_log_bucket_name
  source_log_key_prefix    = "${var.athena_direct.access_log_prefix}/"
  source_log_bucket_region = coalesce(var.athena_direct.region, var.region)
  source_log_kms_key_arn   = var.athena_direct.access_log_kms_key_arn

  source_account_ids  = [var.athena_direct.source_account_id]
  source_regions      = [coalesce(var.athena_direct.region, var.region)]
  source_bucket_names = local.athena_direct_audited_bucket_names

  workgroup_name                 = "${var.name_prefix}-direct"
  database_name                  = "${replace(var.name_prefix, "-", "_")}_direct"
  analyst_role_name              = "${var.name_prefix}-direct-analyst"
  results_bucket_name            = var.athena_direct.results_bucket_name
  analyst_trusted_principal_arns = var.analyst_trusted_principal_arns
  analyst_organization_id        = var.organization_id
  tags                           = var.tags
}
