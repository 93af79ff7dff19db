output "source_bucket_policy_json" {
  description = "Policy document for account A to merge into the log bucket's policy (source_policy_documents): lets the analyst role list the log prefix, locate the bucket and get log objects."
  value = templatefile("${local.policies}/source-bucket-athena-read.json.tpl", {
    analyst_principal_arns = [module.workspace.analyst_role_arn]
    log_bucket_arn         = local.source_log_bucket_arn
    log_key_prefix         = var.source_log_key_prefix
  })
}

output "source_kms_key_policy_json" {
  description = "Key policy statement for account A to merge into the log bucket's KMS key policy (kms:Decrypt via S3 only); null when source_log_kms_key_arn is null."
  value = var.source_log_kms_key_arn == null ? null : templatefile("${local.policies}/source-kms-athena-decrypt.json.tpl", {
    analyst_principal_arns = [module.workspace.analyst_role_arn]
    s3_via_service         = local.source_s3_via_service
    log_bucket_arn         = local.source_log_bucket_arn
    log_key_prefix         = var.source_log_key_prefix
  })
}

output "analyst_role_arn" {
  description = "Read-only analyst role in account B, named by the two documents above."
  value       = module.workspace.analyst_role_arn
}

output "workgroup_name" {
  description = "Athena workgroup to run queries in."
  value       = module.workspace.workgroup_name
}

output "database_name" {
  description = "Glue database holding the table."
  value       = module.workspace.database_name
}

output "table_name" {
  description = "Glue table over account A's S3 server access logs."
  value       = module.access_log_table.table_name
}

output "results_bucket_name" {
  description = "Bucket receiving query results."
  value       = module.workspace.results_bucket_name
}

output "table_location_template" {
  description = "Where Athena looks for a partition: <log bucket>/<DestinationPrefix>$${account}/$${region}/$${source_bucket}/$${dt}/ (source_bucket = audited bucket)."
  value       = module.access_log_table.storage_location_template
}

output "saved_query_ids" {
  description = "Athena named query ids by name."
  value       = module.access_log_table.saved_query_ids
}
