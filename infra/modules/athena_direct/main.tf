# Athena in account B reading the S3 server access logs straight from the log
# bucket in account A, nothing shipped. Everything here is created in B with a
# single (B) provider. The permissions A must grant are rendered into
# source_bucket_policy_json / source_kms_key_policy_json for A's own bucket
# and key policies to merge (source_policy_documents): a bucket has exactly one
# policy, so a second module writing A's bucket policy would overwrite A's.
#
# The log bucket must use S3's date-based (partitioned) log object keys:
#   [DestinationPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/[YYYY]/[MM]/[DD]/[YYYY]-[MM]-[DD]-[hh]-[mm]-[ss]-[UniqueString]
# (AWS::S3::Bucket PartitionedPrefix, CloudFormation reference).

data "aws_partition" "current" {}

locals {
  policies = "${path.module}/../../policies"

  source_log_bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.source_log_bucket_name}"
  source_s3_via_service = "s3.${var.source_log_bucket_region}.${data.aws_partition.current.dns_suffix}"
}

module "workspace" {
  source = "../athena_workspace"

  workgroup_name                   = var.workgroup_name
  database_name                    = var.database_name
  table_names                      = [var.table_name]
  results_bucket_name              = var.results_bucket_name
  results_expiration_days          = var.results_expiration_days
  results_kms_key_arn              = var.results_kms_key_arn
  bytes_scanned_cutoff_per_query   = var.bytes_scanned_cutoff_per_query
  analyst_role_name                = var.analyst_role_name
  analyst_trusted_principal_arns   = var.analyst_trusted_principal_arns
  analyst_organization_id          = var.analyst_organization_id
  analyst_permissions_boundary_arn = var.analyst_permissions_boundary_arn
  log_bucket_arn                   = local.source_log_bucket_arn
  log_key_prefix                   = var.source_log_key_prefix
  log_bucket_region                = var.source_log_bucket_region
  log_kms_key_arns                 = var.source_log_kms_key_arn == null ? [] : [var.source_log_kms_key_arn]
  access_log_bucket_name           = var.access_log_bucket_name
  tags                             = var.tags
}

module "access_log_table" {
  source = "../s3_access_log_table"

  database_name         = module.workspace.database_name
  table_name            = var.table_name
  location_prefix       = "s3://${var.source_log_bucket_name}/${var.source_log_key_prefix}"
  source_account_ids    = var.source_account_ids
  source_regions        = var.source_regions
  source_bucket_names   = var.source_bucket_names
  projection_start_date = var.projection_start_date
  workgroup_name        = module.workspace.workgroup_name
  saved_queries_enabled = var.saved_queries_enabled
  saved_query_days      = var.saved_query_days
}
