# Account B: Athena over the logs logferry ships into the archive bucket
# (log_archive). With the default key template (infra/layout/archive-key-template.txt)
# objects live at
#   <archive_prefix>/<account>/<region>/<audited bucket>/<yyyy>/<MM>/<dd>/<file>
# S3's own partitioned log layout, taken from the log object's key, which the
# table's partition projection mirrors (s3_access_log_table derives it from
# the same file). A custom log_source key_template needs its own table.
#
# With query_prefix set, a second table reads the compactor's copies
# (log_compactor): the same layout under <query_prefix>/, one gzip object per
# partition instead of thousands of small ones, so the same queries scan
# fewer, larger objects.

data "aws_partition" "current" {}

locals {
  archive_bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.archive_bucket_name}"

  compacted            = var.query_prefix != null
  compacted_table_name = coalesce(var.compacted_table_name, "${var.table_name}_compacted")
}

module "workspace" {
  source = "../athena_workspace"

  workgroup_name                   = var.workgroup_name
  database_name                    = var.database_name
  table_names                      = concat([var.table_name], local.compacted ? [local.compacted_table_name] : [])
  results_bucket_name              = var.results_bucket_name
  results_expiration_days          = var.results_expiration_days
  results_kms_key_arn              = var.results_kms_key_arn
  bytes_scanned_cutoff_per_query   = var.bytes_scanned_cutoff_per_query
  analyst_role_name                = var.analyst_role_name
  analyst_trusted_principal_arns   = var.analyst_trusted_principal_arns
  analyst_organization_id          = var.analyst_organization_id
  analyst_permissions_boundary_arn = var.analyst_permissions_boundary_arn
  log_bucket_arn                   = local.archive_bucket_arn
  log_key_prefix                   = "${var.archive_prefix}/"
  additional_log_key_prefixes      = local.compacted ? ["${var.query_prefix}/"] : []
  log_kms_key_arns                 = var.archive_kms_key_arn == null ? [] : [var.archive_kms_key_arn]
  access_log_bucket_name           = var.access_log_bucket_name
  tags                             = var.tags
}

module "access_log_table" {
  source = "../s3_access_log_table"

  database_name         = module.workspace.database_name
  table_name            = var.table_name
  location_prefix       = "s3://${var.archive_bucket_name}/${var.archive_prefix}/"
  source_account_ids    = var.source_account_ids
  source_regions        = var.source_regions
  source_bucket_names   = var.source_bucket_names
  projection_start_date = var.projection_start_date
  workgroup_name        = module.workspace.workgroup_name
  saved_queries_enabled = var.saved_queries_enabled
  saved_query_days      = var.saved_query_days
}

# The compacted copies: same schema, projection and workgroup, its own saved
# queries. Their names start with the table name
# ("<table>-top-requesters"), so the two tables' queries stay apart in the
# one workgroup.
module "compacted_table" {
  source = "../s3_access_log_table"
  count  = local.compacted ? 1 : 0

  database_name         = module.workspace.database_name
  table_name            = local.compacted_table_name
  table_description     = "Amazon S3 server access logs compacted by logferry (one gzip object per account, region, source bucket and day), partition-projected like ${var.table_name}."
  location_prefix       = "s3://${var.archive_bucket_name}/${var.query_prefix}/"
  source_account_ids    = var.source_account_ids
  source_regions        = var.source_regions
  source_bucket_names   = var.source_bucket_names
  projection_start_date = var.projection_start_date
  workgroup_name        = module.workspace.workgroup_name
  saved_queries_enabled = var.saved_queries_enabled
  saved_query_days      = var.saved_query_days
}
