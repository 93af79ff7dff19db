# Direct mode, both accounts in one root module:
#   A (source):  audited bucket -> access logs -> SQS -> shipper Lambda
#   B (archive): bucket whose policy lets the shipper's own role in A write
#                under archive_prefix/ with x-amz-acl = bucket-owner-full-control.

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
  # Both sides' ARNs follow from names, so neither module reads the other's
  # state: A's role policy gets B's bucket ARN from archive_bucket_name.
  shipper_role_name = "${var.name_prefix}-shipper"
  shipper_role_arn  = "arn:aws:iam::${var.source_account_id}:role/${local.shipper_role_name}"

  # The key id of B's archive key is only known after B is applied, so A is
  # allowed "any key of B", narrowed by kms:ViaService and the archive prefix's
  # encryption context; B's key policy names the shipper role explicitly.
  archive_kms_key_arns = var.archive_kms_enabled ? ["arn:aws:kms:${var.region}:${var.archive_account_id}:key/*"] : []

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

  mode                 = "direct"
  archive_bucket_name  = var.archive_bucket_name
  archive_prefix       = var.archive_prefix
  archive_kms_key_arns = local.archive_kms_key_arns
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

  mode = "direct"
  # The module output (same value as local.shipper_role_arn) orders the apply:
  # S3 and KMS reject a policy naming a role that does not exist yet, so the
  # role in A must be created before B's bucket and key policies.
  writer_principal_arns = [module.log_source.shipper_role_arn]
}

check "shipper_role_arn_is_deterministic" {
  assert {
    condition     = module.log_source.shipper_role_arn == local.shipper_role_arn
    error_message = "The shipper role ARN differs from the one derived from its name; a separately applied account B would name the wrong principal."
  }
}
