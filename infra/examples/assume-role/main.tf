# Assume-role mode, both accounts in one root module:
#   A (source):  audited bucket -> access logs -> SQS -> shipper Lambda, whose
#                role may only sts:AssumeRole the writer role in B.
#   B (archive): bucket + writer role; the writer role trusts the shipper role
#                when the call carries sts:ExternalId = external_id.

provider "aws" {
  alias               = "source"
  region              = var.region
  profile             = var.source_profile
  allowed_account_ids = [var.source_account_id]

  default_tags {
    tags = var.tags
  }
}

provider "aws" {
  alias               = "archive"
  region              = var.region
  profile             = var.archive_profile
  allowed_account_ids = [var.archive_account_id]

  default_tags {
    tags = var.tags
  }
}

locals {
  # ARNs derived from names: A's role policy and environment name the writer
  # role in B without reading B's state.
  shipper_role_name = "${var.name_prefix}-shipper"
  shipper_role_arn  = "arn:aws:iam::${var.source_account_id}:role/${local.shipper_role_name}"
  writer_role_arn   = "arn:aws:iam::${var.archive_account_id}:role/${var.writer_role_name}"

  lambda_zip_path = coalesce(var.lambda_zip_path, "${path.root}/../../../target/lambda/shipper/bootstrap.zip")
}

module "log_source" {
  source    = "../../modules/log_source"
  providers = { aws = aws.source }

  name_prefix            = var.name_prefix
  source_account_id      = var.source_account_id
  audited_bucket_name    = var.audited_bucket_name
  access_log_bucket_name = var.access_log_bucket_name
  shipper_role_name      = local.shipper_role_name
  lambda_zip_path        = local.lambda_zip_path
  alarm_sns_topic_arns   = var.alarm_sns_topic_arns

  # Grants of other roots, e.g. examples/athena's direct analyst role.
  access_log_bucket_policy_documents = var.access_log_bucket_policy_documents

  mode                = "assume-role"
  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  writer_role_arn     = local.writer_role_arn
  external_id         = var.external_id
}

module "log_archive" {
  source    = "../../modules/log_archive"
  providers = { aws = aws.archive }

  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  kms_enabled         = var.archive_kms_enabled

  analyst_principal_arns = var.archive_analyst_principal_arns

  # Set by examples/athena (source_root_tfvars): its compactor's role and
  # query prefix, for the archive key policy.
  compactor_principal_arns = var.archive_compactor_principal_arns
  query_prefix             = var.archive_query_prefix

  compacted_originals_transition = var.compacted_originals_transition

  mode             = "assume-role"
  writer_role_name = var.writer_role_name
  external_id      = var.external_id
  # The module output (same value as local.shipper_role_arn) orders the apply:
  # IAM rejects a trust policy naming a role that does not exist yet.
  shipper_principal_arns = [module.log_source.shipper_role_arn]
}

check "derived_role_arns_match" {
  assert {
    condition     = module.log_source.shipper_role_arn == local.shipper_role_arn && module.log_archive.writer_role_arn == local.writer_role_arn
    error_message = "A role ARN differs from the one derived from its name; the other account would name the wrong principal."
  }
}
